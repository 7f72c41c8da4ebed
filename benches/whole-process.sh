#!/usr/bin/env bash
# Whole-process benchmark of the release binary on large journals.
#
# Generates two 100,000-entry journals (the realistic mix of
# benches/common, and long notes) plus a 10-entry one, then runs each
# command and its baseline alternately, PAIRS times (default 5), and prints
# medians, min-max, peak memory (/usr/bin/time) and the ratios of issue
# "large journals cost what the disk costs". See docs/BENCHMARKS.md.
#
# Usage: benches/whole-process.sh            (builds target/release/runsheet)
#        RUNSHEET_BIN=/path/to/runsheet PAIRS=7 benches/whole-process.sh
#        JOURNALS=<folder with mix.jsonl, notes.jsonl, small.jsonl> (reuse them)
#        NAMES=mix (only the realistic mix; default "mix notes")
#        ACTIONS=0 (skip the in-process action bench, which it runs last)
# Needs: GNU time (/usr/bin/time), sha256sum, tmux and perl (first frames).
set -euo pipefail

cd "$(dirname "$0")/.."
PAIRS=${PAIRS:-5}
for tool in /usr/bin/time sha256sum tmux perl; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }
done
if [[ -z ${RUNSHEET_BIN:-} ]]; then
    cargo build --quiet --release --bin runsheet
    RUNSHEET_BIN=$PWD/target/release/runsheet
fi
BIN=$RUNSHEET_BIN

# Journals live on the disk (target/), not on a tmpfs.
mkdir -p target/tmp
WORK=$(mktemp -d -p "$PWD/target/tmp" whole-process.XXXXXX)
trap 'tmux kill-server -L "$SOCKET" 2>/dev/null || true; rm -rf "$WORK"' EXIT
SOCKET=rs-bench-$$
if [[ -n ${JOURNALS:-} ]]; then
    # Journals written by an earlier run (mix, notes and small .jsonl).
    cp "$JOURNALS"/{mix,notes,small}.jsonl "$WORK"/
    cp -r "$JOURNALS"/case-journals "$WORK"/
else
    cargo bench --quiet --bench whole_process_journals -- "$WORK" >&2
fi

now_ns() { date +%s%N; }

# run_once OUT_PREFIX CMD...: wall ms and peak KiB of one run, appended to
# OUT_PREFIX.ms and OUT_PREFIX.kib. Output goes to a file on the disk.
run_once() {
    local prefix=$1; shift
    local start end
    start=$(now_ns)
    /usr/bin/time -f %M -o "$prefix.mem" "$@" >"$WORK/out" 2>/dev/null || true
    end=$(now_ns)
    echo $(( (end - start) / 1000 )) >>"$prefix.us"
    tail -n 1 "$prefix.mem" >>"$prefix.kib"
}

# record_peak OUT_PREFIX: once the program in the pane was told to quit,
# waits (10 s at most) for time(1) to write its peak, ends the pane and
# appends the peak in KiB to OUT_PREFIX.kib (0 when there is none).
record_peak() {
    local prefix=$1
    for _ in $(seq 1 1000); do
        [[ -s $prefix.mem ]] && break
        sleep 0.01
    done
    tmux -L "$SOCKET" kill-server 2>/dev/null || true
    grep -E '^[0-9]+$' "$prefix.mem" | tail -n 1 >>"$prefix.kib" || echo 0 >>"$prefix.kib"
}

# first_frame OUT_PREFIX JOURNAL MODE: time from starting `runsheet MODE
# JOURNAL` in a 200x60 tmux pane to the first character of its first
# frame, then its peak memory once it is quit. Each run works on a copy, as
# `resume` appends to the journal. Nothing polls while the program starts:
# the pane's output goes through `pipe-pane` to first-char.pl, which writes
# the time of the first printable character to a FIFO the script waits on.
# (Polling the screen every 5 ms ran a `tmux` and a `grep` 200 times a
# second, which took CPU from the program on this two-core machine.)
first_frame() {
    local prefix=$1 journal=$2 mode=$3
    local copy="$WORK/frame.jsonl"
    cp "$journal" "$copy"
    # The copy is written back before the clock starts: otherwise the
    # kernel's writeback of it (90 MiB for the notes) competes with the
    # run, and the runner's first fsync waits for it.
    sync "$copy"
    rm -f "$prefix.mem"
    # `resume` names its actor: the generated journals were written on
    # another host, and the name prompt is not the runner's first frame.
    local who=''
    [[ $mode == resume ]] && who='--as Bench'
    local fifo="$WORK/first-char"
    rm -f "$fifo"
    mkfifo "$fifo"
    # Held open for reading and writing, so that neither side's open
    # blocks and a program that never draws times out below.
    exec 3<>"$fifo"
    # The pane's shell waits for a key before it starts the program, so
    # that the pipe is in place before the program writes anything.
    tmux -L "$SOCKET" new-session -d -x 200 -y 60 \
        "read -r _; exec /usr/bin/time -f %M -o $prefix.mem $BIN $mode $copy $who"
    tmux -L "$SOCKET" pipe-pane -o "exec perl $PWD/benches/first-char.pl $fifo"
    # Until the pipe's reader is running (its start is not timed).
    sleep 0.3
    local start end
    start=$(now_ns)
    tmux -L "$SOCKET" send-keys Enter
    if ! read -r -t 30 end <&3; then
        echo "no first frame from: $BIN $mode" >&2
        end=$(now_ns)
    fi
    exec 3<&-
    echo $(( (end - start) / 1000 )) >>"$prefix.us"
    # A review draws a long journal's first lines while the rest is
    # verified: its peak memory is that of the whole read, so it is quit
    # only once the header no longer says so.
    if [[ $mode == review ]]; then
        for _ in $(seq 1 3000); do
            tmux -L "$SOCKET" capture-pane -p 2>/dev/null | grep -q 'VERIFYING' || break
            sleep 0.01
        done
    fi
    # Quit as a user would (review: q; the runner: Ctrl-C, which ends the
    # session), so that time(1) reports the peak memory.
    if [[ $mode == review ]]; then
        tmux -L "$SOCKET" send-keys q
    else
        tmux -L "$SOCKET" send-keys C-c
    fi
    record_peak "$prefix"
    rm -f "$copy" "$copy".*
}

# until_pane PATTERN: polls the pane every 10 ms, for 30 s at most, until
# it shows PATTERN (grep -E). Used after the measured part only.
until_pane() {
    for _ in $(seq 1 3000); do
        tmux -L "$SOCKET" capture-pane -p 2>/dev/null | grep -qE -- "$1" && return 0
        sleep 0.01
    done
    echo "the pane never showed: $1" >&2
}

# review_tabs OUT_PREFIX JOURNAL: peak memory of a review read as a
# reviewer reads one: once the whole journal is verified, the Metrics tab,
# then the State tab at the last entry and at the entry before it (a
# replay of all but one entry). Appended to OUT_PREFIX.kib.
review_tabs() {
    local prefix=$1 journal=$2
    rm -f "$prefix.mem"
    tmux -L "$SOCKET" new-session -d -x 200 -y 60 \
        "exec /usr/bin/time -f %M -o $prefix.mem $BIN review $journal"
    until_pane 'intact|DO NOT MATCH|BROKEN|INCOMPLETE'
    tmux -L "$SOCKET" send-keys 3
    until_pane 'Key times'
    tmux -L "$SOCKET" send-keys 2
    until_pane 'As at entry'
    local at
    at=$(tmux -L "$SOCKET" capture-pane -p | grep -o 'As at entry #[0-9]*')
    tmux -L "$SOCKET" send-keys '['
    for _ in $(seq 1 3000); do
        [[ $(tmux -L "$SOCKET" capture-pane -p | grep -o 'As at entry #[0-9]*') != "$at" ]] && break
        sleep 0.01
    done
    tmux -L "$SOCKET" send-keys q
    record_peak "$prefix"
}

# stats FILE: "median min max" of the numbers in FILE.
stats() {
    sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)], v[1], v[NR]}'
}
ms() { awk -v us="$1" 'BEGIN {printf "%.1f", us/1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}'; }

# row LABEL A B BAR: one table line comparing runs A with baseline B.
row() {
    local label=$1 a=$2 b=$3 bar=$4
    read -r am amin amax < <(stats "$a.us")
    read -r bm bmin bmax < <(stats "$b.us")
    read -r peak _ _ < <(stats "$a.kib")
    printf '| %s | %s ms (%s–%s) | %s ms (%s–%s) | **%sx** | %s | %s MiB |\n' \
        "$label" "$(ms "$am")" "$(ms "$amin")" "$(ms "$amax")" \
        "$(ms "$bm")" "$(ms "$bmin")" "$(ms "$bmax")" "$(ratio "$am" "$bm")" "$bar" "$(mib "$peak")"
}

# mem_row LABEL A SIZE: peak memory of runs A against the journal's size.
mem_row() {
    local label=$1 a=$2 size=$3
    read -r peak pmin pmax < <(stats "$a.kib")
    printf '| %s | %s MiB (%s–%s) | %s MiB | **%sx** |\n' "$label" "$(mib "$peak")" \
        "$(mib "$pmin")" "$(mib "$pmax")" "$(mib $((size / 1024)))" "$(ratio "$peak" $((size / 1024)))"
}

FORMATS=(md html csv json timesketch cacao-status custody-csv)

echo "# whole-process benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "binary: $BIN; pairs: $PAIRS; nproc: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for name in ${NAMES:-mix notes}; do
    J=$WORK/$name.jsonl
    SIZE=$(stat -c %s "$J")
    R=$WORK/$name
    for i in $(seq 1 "$PAIRS"); do
        # Alternate which side goes first, so drifts hit both alike.
        if ((i % 2)); then
            run_once "$R.sha" sha256sum "$J"
            run_once "$R.verify" "$BIN" verify "$J"
        else
            run_once "$R.verify" "$BIN" verify "$J"
            run_once "$R.sha" sha256sum "$J"
        fi
        run_once "$R.verify-b" "$BIN" verify "$J"
        run_once "$R.status" "$BIN" status "$J"
        for f in "${FORMATS[@]}"; do
            run_once "$R.export-$f" "$BIN" export "$J" --format "$f" -o "$WORK/export.out"
            run_once "$R.verify-$f" "$BIN" verify "$J"
            # To standard output (a file on the disk): memory only.
            run_once "$R.stdout-$f" "$BIN" export "$J" --format "$f"
        done
        for mode in review resume; do
            first_frame "$R.$mode" "$J" "$mode"
            first_frame "$R.$mode-small" "$WORK/small.jsonl" "$mode"
        done
        review_tabs "$R.review-tabs" "$J"
    done
    echo
    echo "## $name.jsonl: $(wc -l <"$J") entries, $SIZE bytes ($(mib $((SIZE / 1024))) MiB)"
    echo
    echo "| measure | runsheet, median (min–max) | baseline, median (min–max) | ratio | bar | peak memory |"
    echo "|---|---:|---:|---:|---|---:|"
    row '`verify` / `sha256sum`' "$R.verify" "$R.sha" '≤ 1.5x'
    for f in "${FORMATS[@]}"; do
        row "\`export --format $f\` / \`verify\`" "$R.export-$f" "$R.verify-$f" '≤ 2.5x'
    done
    row '`status` / `verify`' "$R.status" "$R.verify-b" ''
    for mode in review resume; do
        row "\`$mode\` first frame / 10-entry journal" "$R.$mode" "$R.$mode-small" '≤ 300 ms'
    done
    echo
    echo "| peak memory | median (min–max) | journal | ratio to journal |"
    echo "|---|---:|---:|---:|"
    mem_row '`verify`' "$R.verify" "$SIZE"
    mem_row '`status`' "$R.status" "$SIZE"
    for f in "${FORMATS[@]}"; do
        mem_row "\`export --format $f\`" "$R.export-$f" "$SIZE"
        mem_row "\`export --format $f\` to standard output" "$R.stdout-$f" "$SIZE"
    done
    mem_row '`review`' "$R.review" "$SIZE"
    mem_row '`review`, its Metrics and State tabs read' "$R.review-tabs" "$SIZE"
    mem_row '`resume`' "$R.resume" "$SIZE"
done
echo

# Merged replay of a team case: `status` of a case folder holding the mix's
# entries dealt to 8 journals of 12,500, against `status` of the one
# 100,000-entry journal (the same entries), alternately.
CASE=$WORK/case
"$BIN" case from "$WORK/small.jsonl" "$CASE" >/dev/null
rm -f "$CASE"/journals/*.jsonl
cp "$WORK"/case-journals/*.jsonl "$CASE"/journals/
R=$WORK/case
for i in $(seq 1 "$PAIRS"); do
    if ((i % 2)); then
        run_once "$R.status-one" "$BIN" status "$WORK/mix.jsonl"
        run_once "$R.status-case" "$BIN" status "$CASE"
    else
        run_once "$R.status-case" "$BIN" status "$CASE"
        run_once "$R.status-one" "$BIN" status "$WORK/mix.jsonl"
    fi
done
echo
echo "## team case: 8 journals × 12,500 entries (the mix's entries)"
echo
echo "| measure | runsheet, median (min–max) | baseline, median (min–max) | ratio | bar | peak memory |"
echo "|---|---:|---:|---:|---|---:|"
row '`status` of the case / `status` of one 100,000-entry journal' "$R.status-case" "$R.status-one" '≤ 1.5x'
echo
# The case's peak against the size of all its journals (bar ≤ 2x).
CASE_SIZE=$(cat "$CASE"/journals/*.jsonl | wc -c)
echo "| peak memory | median (min–max) | journals | ratio to journals |"
echo "|---|---:|---:|---:|"
mem_row '`status` of the case' "$R.status-case" "$CASE_SIZE"
echo
# Action → saved in the runner: an in-process bench (keys go straight to
# the app; the journal, its writer thread and fsync are real), run here so
# that one run of this script gives every number.
echo "## action → saved in the runner (p99 over 200 actions, 100,000 vs 10 entries)"
echo
if [[ ${ACTIONS:-1} == 1 ]]; then
    echo '```'
    cargo bench --quiet --bench action_saved 2>&1 | grep -v '^$'
    echo '```'
else
    echo "skipped (ACTIONS=0): run \`cargo bench --bench action_saved\`"
fi
