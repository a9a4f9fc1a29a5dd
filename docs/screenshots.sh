#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png: builds tributary, runs it over the
# demo newsroom on loopback and photographs every page with headless
# Chromium (set CHROMIUM if it is not /usr/bin/chromium or on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./bench/screenshots -out docs/screenshots "$@"
