#!/usr/bin/env bash
# Installs the GeoPandas peer baseline (run on demand, not in CI).
set -euo pipefail
python3 -m pip install -r "$(dirname "$0")/requirements.txt"
