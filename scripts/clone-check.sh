#!/usr/bin/env bash
# Prove that a clone anywhere passes its tests: clone this checkout's HEAD into a fresh
# directory outside the checkout's parent (so no ../shared is beside it), then run the
# README's test command there, as a contributor would, with the shared corpus absent.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/cflint-clone.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone --quiet --no-hardlinks . "$work/cflint"
[ ! -e "$work/shared" ] || { echo "clone-check: $work/shared must not exist" >&2; exit 2; }
echo "clone-check: running the README's test command in $work/cflint (no ../shared)"
cd "$work/cflint"
env -u CI -u CFLINT_SHARED bash scripts/test.sh "$@"
