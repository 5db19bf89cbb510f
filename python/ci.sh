#!/usr/bin/env bash
# Builds the maillage wheel and runs the Python tests, on a fresh machine.
#
#   bash python/ci.sh
#
# Creates a venv (VENV, default python/.venv), installs maturin, pytest,
# geopandas, pyarrow, shapely, pyproj and dask[distributed] (the sweep
# tests run a local cluster), builds the abi3 wheel in release
# (CARGO_TARGET_DIR honoured, so a CI job that already built the release
# dependencies reuses them), installs it and runs pytest on $MAILLAGE_DATA
# (default ../shared/data relative to the repository root). Prints the time
# of each step.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="${VENV:-$here/.venv}"
export MAILLAGE_DATA="${MAILLAGE_DATA:-$root/../shared/data}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

step_start=0
step() {
    step_start=$(date +%s)
    echo "── python/ci.sh: $1"
}
done_step() {
    echo "── python/ci.sh: $1 took $(( $(date +%s) - step_start )) s"
}

step "venv and packages"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "maturin>=1.7,<2" pytest "geopandas>=1.0" pyarrow "shapely>=2" pyproj "dask[distributed]"
done_step "venv and packages"

step "wheel (maturin build --release)"
wheels="$CARGO_TARGET_DIR/wheels-python"
rm -rf "$wheels"
(cd "$here" && "$venv/bin/maturin" build --release --quiet --interpreter "$venv/bin/python" --out "$wheels")
done_step "wheel (maturin build --release)"

step "install the wheel"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheels"/maillage-*.whl
done_step "install the wheel"

step "GeoParquet samples (the Rust test that writes them, if missing)"
if [ ! -f "$CARGO_TARGET_DIR/tmp/geoparquet-samples/manifest.json" ]; then
    (cd "$root" && cargo test --quiet --all-features --test geoparquet_tables)
fi
done_step "GeoParquet samples"

step "pytest"
# Run from the tests folder so that `maillage` is the installed wheel, not the source folder.
(cd "$here/tests" && "$venv/bin/python" -m pytest -q -p no:cacheprovider .)
done_step "pytest"
