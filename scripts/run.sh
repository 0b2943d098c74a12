#!/usr/bin/env bash
# The main job: install what is missing, build, and run hybridns on the
# built-in default scenario (scenarios/shared-services.yaml).  Extra
# arguments go to `hybridns check`, e.g. a scenario file or --format json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
exec ./build/harness/hybridns check "$@"
