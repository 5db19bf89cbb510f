#!/usr/bin/env bash
# Regenerates the pictures of the README and the guide (docs/img/*.png) with
# the same headless Chromium as the browser test (tests/browser.rs), from the
# main job (examples/gap_map.rs on data/loire/, run by the test): the Loire
# report, a hovered QPV of Saint-Étienne (Montreynaud), the mediation gap map
# the job writes (out/gap_map_mediation.png), and the national report of the
# 2024 QPV against the 2025 network.
#
#   MAILLAGE_DATA=../shared/data tools/screenshots/make_screenshots.sh
#
# Chromium must be installed (apt-get install -y chromium) or named by
# MAILLAGE_CHROMIUM.
set -euo pipefail
cd "$(dirname "$0")/../.."
D="${MAILLAGE_DATA:-../shared/data}"
cargo run --release --features cli -- coverage \
    --points "$D/laposte_points_contact_2025.csv" --partners "$D/france_services_2024-08.csv" \
    --territories "$D/qpv_2024_national.geojson" --kind qpv \
    --service postal --service france_services --outlines "$D/departements_2025.geojson" \
    --out out/national_qpv
MAILLAGE_SCREENSHOTS="$PWD/docs/img" MAILLAGE_NATIONAL_REPORT="$PWD/out/national_qpv/report.html" \
    cargo test --features cli --test browser -- --ignored screenshots
ls -l docs/img
