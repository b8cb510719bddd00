#!/usr/bin/env bash
# Hostile shapes from issue 15, timed with farm-bench (time and peak memory, median of 5):
# a 600 KB file of 300,000 stray `}` lines, checked in every format. The report of such a file
# is far larger than the file; json and sarif are written as they are made, so memory stays
# bounded by the chart. Build first: cargo build --release.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${REFERFLOW:-$root/target/release/referflow}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
python3 -c "import sys; sys.stdout.write('}\n' * 300000)" > "$out/braces.flow"
for format in human json sarif github; do
  echo "--- check --format $format, 300,000 stray braces"
  farm-bench -n 5 -- sh -c "exec '$bin' check --format $format '$out/braces.flow' >/dev/null 2>&1" | grep -E "wall|peak"
done
