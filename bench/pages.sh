#!/usr/bin/env bash
# Times the page-sized outputs of the bundled Thai NRM chart (49 stages, 14 agencies, 5 phases:
# larger than the 37-stage chart the target is stated for) with farm-bench: render --to pdf at
# A3 landscape in Thai, A4 portrait and slide, PNG slides, and build --hearing (both languages).
# Target: each render under 2 s on a 2-core machine. Build first: cargo build --release.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${REFERFLOW:-$root/target/release/referflow}"
chart="$root/examples/thailand-nrm.flow"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
run() {
  echo "--- $*"
  farm-bench -n 10 -- "$bin" "$@" | grep -E "wall|peak"
}
run render "$chart" --to pdf --page a3 --landscape --lang th -o "$out/a3.pdf"
run render "$chart" --to pdf --page a4 --portrait -o "$out/a4.pdf"
run render "$chart" --to pdf --page slide -o "$out/slide.pdf"
run render "$chart" --to png --page slide -o "$out/slide.png"
run render "$chart" --to svg -o "$out/canvas.svg"
run build "$chart" --hearing --date 2026-12-05 -o "$out/hearing"
