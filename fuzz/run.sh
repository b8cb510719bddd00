#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each, one after the other, at low
# priority, and prints one line per target: executions, time, corpus size and whether it
# crashed. Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain
# RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags. SANITIZER=none skips AddressSanitizer
# (about twice the speed; the workspace forbids unsafe code, so ASan watches only the
# dependencies). MAX_LEN caps the size of an input (default 8192 bytes: the crashes so far
# were a few hundred bytes, and small inputs run many times faster).
#
# Usage: fuzz/run.sh SECONDS [TARGET...]      e.g. fuzz/run.sh 30 for a smoke run
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
seconds="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parse readers check diagnostics dot md mermaid json html fmt diff)
sanitizer="${SANITIZER:-address}"
max_len="${MAX_LEN:-8192}"
export RUSTC_BOOTSTRAP=1

[ -d "$here/corpus" ] || "$here/seed.sh"
mkdir -p "$here/logs"
status=0
for target in "${targets[@]}"; do
    log="$here/logs/$target.log"
    (cd "$root" && nice -n 10 cargo fuzz run -s "$sanitizer" "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 -dict=fuzz/referflow.dict) \
        >"$log" 2>&1
    code=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' | tail -1)
    corpus=$(find "$here/corpus/$target" -type f | wc -l)
    if [ $code -eq 0 ]; then
        echo "$target: ${runs:-?} executions in ${secs:-$seconds} s, corpus $corpus files, no crash"
    else
        status=1
        echo "$target: CRASHED (exit $code), see $log and fuzz/artifacts/$target/"
    fi
done
exit $status
