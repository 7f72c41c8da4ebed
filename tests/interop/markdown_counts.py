"""Count phases and steps in GuardSight and AWS Markdown playbooks.

Usage: markdown_counts.py FILE...

An independent reading of the source for the importer's tests: prints one
JSON object, {file name: {"phases": [titles], "steps": count}}.

- GuardSight battle cards: a phase is a bold line `**(X) Title**` with X one
  of P, I, C, E, R, L; a step is a line `N. text` at the start of a line,
  under a phase, until the next bold `**Name:**` section.
- AWS playbooks: a phase is a line `## Part N — Title` with at least one
  step; a step is a `### ` line inside a phase, until the next `## ` line;
  fenced code is skipped.
"""

import json
import pathlib
import re
import sys

PICERL = re.compile(r"^\*\*\s*\(([PICERLpicerl])\)\s*(.+?)\s*\*\*\s*$")
SECTION = re.compile(r"^\*\*[^*]+:\*\*\s*$")
NUMBERED = re.compile(r"^\d+\.\s")
PART = re.compile(r"^## (Part \d+\w* .+?)\s*$")


def guardsight(lines):
    phases, steps, inside = [], 0, False
    for line in lines:
        match = PICERL.match(line.strip())
        if match:
            phases.append(match.group(2).strip())
            inside = True
        elif SECTION.match(line.strip()):
            inside = False
        elif inside and NUMBERED.match(line):
            steps += 1
    return phases, steps


def aws(lines):
    phases, counts, inside, fenced = [], [], False, False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        match = PART.match(line.rstrip())
        if match:
            phases.append(match.group(1).strip())
            counts.append(0)
            inside = True
        elif line.startswith("## "):
            inside = False
        elif inside and line.startswith("### "):
            counts[-1] += 1
    kept = [title for title, n in zip(phases, counts) if n > 0]
    return kept, sum(counts)


def main(argv):
    result = {}
    for name in argv[1:]:
        text = pathlib.Path(name).read_text(encoding="utf-8")
        lines = text.splitlines()
        counter = guardsight if "CIRT Playbook Battle Card" in text else aws
        phases, steps = counter(lines)
        result[pathlib.Path(name).name] = {"phases": phases, "steps": steps}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
