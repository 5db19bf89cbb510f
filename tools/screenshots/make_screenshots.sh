#!/usr/bin/env bash
# Regenerates the README's pictures of the interactive report (docs/img/*.png)
# with the same headless Chromium as the browser test (tests/browser.rs):
# the Bouches-du-Rhône report of the main job, a hovered QPV in Marseille, and
# the national report of the 2024 QPV against the 2025 network.
#
#   MAILLAGE_DATA=../shared/data tools/screenshots/make_screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
D="${MAILLAGE_DATA:-../shared/data}"
cargo build --features map --example gap_map
cargo run --release --features cli -- coverage \
    --points "$D/laposte_points_contact_2025.csv" --partners "$D/france_services_2024-08.csv" \
    --territories "$D/qpv_2024_national.geojson" --kind qpv \
    --service postal --service france_services --outlines "$D/departements_2025.geojson" \
    --out out/national_qpv
MAILLAGE_SCREENSHOTS="$PWD/docs/img" MAILLAGE_NATIONAL_REPORT="$PWD/out/national_qpv/report.html" \
    cargo test --features map --test browser -- --ignored screenshots
ls -l docs/img
