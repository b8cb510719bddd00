#!/usr/bin/env bash
# Builds the in-browser playground into target/playground/: a folder of static files that
# works from a file URL and from any static host (docs/playground.md).
#
#   playground/build.sh
#
# Needs cargo (with rustup, or the wasm32-unknown-unknown target installed), node and npm.
# The first run installs wasm-bindgen-cli, in the version Cargo.lock names, under
# target/tools (a few minutes) and the page's npm packages; later runs rebuild only what
# changed. Rerunnable: the folder is replaced whole.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

fail() {
  echo "playground/build.sh: $*" >&2
  exit 2
}
need() {
  command -v "$1" >/dev/null 2>&1 || fail "\`$1\` is not on PATH; $2"
}
# The cargo that runs this one (a test), else the one on PATH.
cargo="${CARGO:-cargo}"
command -v "$cargo" >/dev/null 2>&1 || fail "\`cargo\` is not on PATH; install Rust (https://rustup.rs)"
need node "install Node.js 20 or newer (Debian: apt-get install nodejs npm)"
need npm "install npm (Debian: apt-get install npm)"

target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
out="$target_dir/playground"
glue="$target_dir/playground-wasm"

# The module is built for the browser, with the size profile when the workspace has one.
if ! rustc --print target-libdir --target wasm32-unknown-unknown >/dev/null 2>&1 ||
  [ ! -d "$(rustc --print target-libdir --target wasm32-unknown-unknown)" ]; then
  if command -v rustup >/dev/null 2>&1; then
    rustup target add wasm32-unknown-unknown
  else
    fail "Rust's wasm32-unknown-unknown target is not installed (rustup target add wasm32-unknown-unknown)"
  fi
fi
profile=release
grep -q '^\[profile\.wasm\]' Cargo.toml && profile=wasm
echo "--- cargo build -p referflow-wasm --target wasm32-unknown-unknown --profile $profile" >&2
"$cargo" build -p referflow-wasm --target wasm32-unknown-unknown --profile "$profile"
module="$target_dir/wasm32-unknown-unknown/$profile/referflow_wasm.wasm"
[ -f "$module" ] || fail "cargo built no $module"

# wasm-bindgen's CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
[ -n "$version" ] || fail "Cargo.lock names no wasm-bindgen crate"
bindgen=""
for candidate in wasm-bindgen "$target_dir/tools/bin/wasm-bindgen"; do
  if [ "$("$candidate" --version 2>/dev/null)" = "wasm-bindgen $version" ]; then
    bindgen="$candidate"
    break
  fi
done
if [ -z "$bindgen" ]; then
  echo "--- installing wasm-bindgen-cli $version under $target_dir/tools (once, a few minutes)" >&2
  "$cargo" install --locked wasm-bindgen-cli --version "$version" --root "$target_dir/tools"
  bindgen="$target_dir/tools/bin/wasm-bindgen"
fi
echo "--- $bindgen --target no-modules" >&2
rm -rf "$glue"
"$bindgen" --target no-modules --no-typescript --out-name referflow --out-dir "$glue" "$module"

# The page's packages, as package-lock.json pins them; installed again only when it changes.
cd "$root/playground"
if ! cmp -s package-lock.json node_modules/.referflow-installed 2>/dev/null; then
  echo "--- npm ci (playground/)" >&2
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.referflow-installed
fi

echo "--- esbuild" >&2
node build.mjs "$out" "$glue"
