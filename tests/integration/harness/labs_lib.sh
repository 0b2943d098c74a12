# Helpers of the lab tests (sourced after tests/integration/lib.sh): the
# labs' sources, and reading `lab check` output.  Every test works in $TMP:
# `lab` needs no source tree, everything it shows is compiled in.
LABS="$SRCDIR/scenarios/labs"
SOLS="$SRCDIR/tests/labs"
cd "$TMP"

expect_in() { # FILE TEXT
	grep -qF -- "$2" "$1" || fail "'$2' missing from $(basename "$1"): $(head -c 3000 "$1")"
}
goal_mark() { # FILE GOAL -> the mark (✓ or ✗) of that goal's line
	sed -n "s/^ \\(.\\) $(printf '%s' "$2" | sed 's/[][\.*^$/]/\\&/g')\$/\\1/p" "$1" | head -1
}
goal_marks() { # FILE -> "✓ goal" lines only, in order
	grep -E '^ (✓|✗) ' "$1"
}
# Checks run side by side (each brings up worlds of its own on free
# loopback ports), each into its own files.
check_to() { # OUT LAB FILE: lab check's stdout+stderr into OUT, its status into OUT.rc
	set +e
	"$HYBRIDNS" lab check "$2" "$3" >"$1" 2>&1
	echo $? >"$1.rc"
	set -e
}
# wait_slot N: wait until fewer than N background checks run.
wait_slot() {
	while [ "$(jobs -rp | wc -l)" -ge "$1" ]; do wait -n || true; done
}
strip_expect() { # IN OUT: IN without its top-level expect: block
	awk '/^expect:/ { skip = 1; next }
	     skip && /^[^ #-]/ { skip = 0 }
	     !skip' "$1" >"$2"
}
