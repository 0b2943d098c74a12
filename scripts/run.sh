#!/usr/bin/env bash
# The main job: install what is missing, build, and run hybridns on the
# default scenario.  Extra arguments go to hybridns after the scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
exec ./build/harness/hybridns lint scenarios/shared-services.yaml "$@"
