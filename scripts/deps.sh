#!/usr/bin/env bash
# Install the Debian packages of scripts/packages.txt that are missing.
# Idempotent; works as root or through sudo.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
list="${1:-$here/packages.txt}"

mapfile -t wanted < <(grep -v '^\s*#' "$list" | grep -v '^\s*$')
missing=()
for p in "${wanted[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# No package may start its service (bind9, unbound and dnsdist ship init
# scripts that invoke-rc.d would start, binding port 53): while installing,
# a policy-rc.d answers 101 ("action forbidden"), then it is removed again.
# A policy-rc.d that is already there (a container's) is left as it is.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# scripts/deps.sh: no service starts while packages install\nexit 101\n' |
		$sudo tee "$policy" >/dev/null
	$sudo chmod 755 "$policy"
	trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
