"""Validate CACAO 2.0 JSON files against the OASIS schemas.

Usage: cacao_validate.py SCHEMA_DIR FILE...

Prints one line per file: `ok FILE` or `invalid FILE: <pointer>: <message>`
for each error. Exits 1 when any file is invalid, 2 on a usage problem.
The schemas are linked by `$id`, so every schema file is registered under
its own `$id` before validation (no network).
"""

import json
import pathlib
import sys

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7


def registry(schema_dir):
    resources = []
    for path in sorted(pathlib.Path(schema_dir).rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append(
            (contents["$id"], Resource.from_contents(contents, default_specification=DRAFT7))
        )
    return Registry().with_resources(resources)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema_dir = pathlib.Path(argv[1])
    root = json.loads((schema_dir / "playbook.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(root, registry=registry(schema_dir))
    failed = False
    for name in argv[2:]:
        document = json.loads(pathlib.Path(name).read_text(encoding="utf-8"))
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        if errors:
            failed = True
            for error in errors:
                pointer = "/" + "/".join(str(p) for p in error.absolute_path)
                print(f"invalid {name}: {pointer}: {error.message[:300]}")
        else:
            print(f"ok {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
