#!/usr/bin/env bash
# Hostile shapes from issue 15, timed with farm-bench (median of 5; see docs/performance.md).
#
# 1. A 600 KB file of 300,000 stray `}` lines, checked in every format. The report of such a
#    file is far larger than the file; json and sarif are written as they are made, so memory
#    stays bounded by the chart.
# 2. Linearity: each shape of bench/hostile_shapes.py at N and at 10 N, run in turns; the
#    ratio of the times (A/B wall) must stay at most 12.
# 3. Scale: bench/generate.py's chart with every edge a top-level line and twenty agencies,
#    at 100,000 and 1,000,000 stages: check peaks at most 400 MB, and takes at most 11.5
#    times as long at 1M.
#
# Build first: cargo build --release. Takes about five minutes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${REFERFLOW:-$root/target/release/referflow}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
shapes="$root/bench/hostile_shapes.py"

python3 -c "import sys; sys.stdout.write('}\n' * 300000)" > "$out/braces.flow"
for format in human json sarif github; do
  echo "--- check --format $format, 300,000 stray braces"
  farm-bench -n 5 -- sh -c "exec '$bin' check --format $format '$out/braces.flow' >/dev/null 2>&1" | grep -E "wall|peak"
done

# shape, N, the command's arguments (FILE stands for the chart)
linear() {
  local shape=$1 n=$2; shift 2
  python3 "$shapes" "$shape" "$n" "$out/$shape-small.flow"
  python3 "$shapes" "$shape" "$((n * 10))" "$out/$shape-large.flow"
  local small=("${@/FILE/$out/$shape-small.flow}") large=("${@/FILE/$out/$shape-large.flow}")
  echo "--- $shape: ${*/FILE/chart}, $((n * 10)) against $n (at most 12x)"
  farm-bench -n 5 --timeout 600 --vs "sh -c 'exec $bin ${small[*]} >/dev/null 2>&1'" \
    -- sh -c "exec $bin ${large[*]} >/dev/null 2>&1" | grep -E "A wall|B wall|A/B wall"
}
linear long-line 300000 check --format json FILE
linear long-line 300000 check --format sarif FILE
linear requirements 20000 check --format json FILE
linear branches 20000 render FILE --to md
linear branches 2000 render FILE --to svg -o "$out/branches.svg"
linear decisions 20000 render FILE --to md
linear decisions 2000 render FILE --to pdf -o "$out/decisions.pdf"

echo "--- every edge a top-level line, 20 agencies: check, 1,000,000 stages against 100,000"
python3 "$root/bench/generate.py" --top-level-edges --actors 20 100000 "$out/top-100k.flow" "$out/top-100k.dot" 2>/dev/null
python3 "$root/bench/generate.py" --top-level-edges --actors 20 1000000 "$out/top-1m.flow" "$out/top-1m.dot" 2>/dev/null
farm-bench -n 5 --timeout 600 --vs "$bin check -D warnings $out/top-100k.flow" \
  -- "$bin" check -D warnings "$out/top-1m.flow" | grep -E "wall|peak"
