#!/usr/bin/env bash
# hybridns lab: the finding goals.  DEPENDS ON THE LINT RULES (lint/, branch
# lint-find): with the placeholder lint/lint.c, which finds nothing, every
# assertion marked [lint] below fails by design; they hold once the rules
# are merged.  For every lab with a finding goal ("finding HNSnnn gone" in
# `lab show`): [lint] `hybridns lint` reports that ID on the broken design,
# [lint] `lab check` marks the goal failed and points at the key, the
# reference solution clears it, and [lint] an ignore comment on the key's
# line does not make the goal hold.
. "$SRCDIR/tests/integration/lib.sh"

. "$SRCDIR/tests/integration/harness/labs_lib.sh"

"$HYBRIDNS" lab list >list.txt || fail "lab list failed"
labs=$(awk 'NF >= 3 && $3 == "min" { print $1 }' list.txt)
n_goals=0
for lab in $labs; do
	"$HYBRIDNS" lab show "$lab" >"show-$lab.txt" || fail "lab show $lab failed"
	ids=$(sed -n 's/.*: finding \(HNS[0-9][0-9]*\) gone$/\1/p' "show-$lab.txt")
	[ -n "$ids" ] || continue
	"$HYBRIDNS" lab start "$lab" >/dev/null || fail "lab start $lab failed"
	for id in $ids; do
		n_goals=$((n_goals + 1))
		# [lint] the broken design triggers the finding the lab is about
		run_rc rc "$HYBRIDNS" lint --format json "$lab.yaml"
		grep -qE "\"id\": *\"$id\"" "$TMP/out" ||
			fail "[lint] lint does not report $id on lab $lab's design: $(head -c 2000 "$TMP/out")"
	done
	run_rc rc "$HYBRIDNS" lab check "$lab" "$lab.yaml"
	[ "$rc" -eq 1 ] || fail "lab check $lab exited $rc (expected 1)"
	cp "$TMP/out" "start-$lab.txt"
	for id in $ids; do
		# [lint] the finding goal fails, with the finding's location in the file
		grep -qE "^ ✗ .*\\(finding $id gone\\)$" "start-$lab.txt" ||
			fail "[lint] lab check $lab: the goal 'finding $id gone' is not marked failed: $(cat "start-$lab.txt")"
		grep -qE "^     $lab\\.yaml:[0-9]+:[0-9]+: " "start-$lab.txt" ||
			fail "[lint] lab check $lab: no location for $id: $(cat "start-$lab.txt")"
	done
	run_rc rc "$HYBRIDNS" lab check "$lab" "$SOLS/$lab.solution.yaml"
	[ "$rc" -eq 0 ] || fail "lab check $lab solution exited $rc: $(cat "$TMP/out")"
	for id in $ids; do
		grep -qE "^ ✓ .*\\(finding $id gone\\)$" "$TMP/out" ||
			fail "lab check $lab solution: 'finding $id gone' does not hold: $(cat "$TMP/out")"
	done
done
[ "$n_goals" -ge 10 ] || fail "only $n_goals finding goals across the labs (expected 10 or more)"

# [lint] Acknowledging the finding with an ignore comment is no fix.
lab=forwarding-loop
line=$(sed -n "s/^     $lab\\.yaml:\\([0-9]*\\):[0-9]*: .*/\\1/p" "start-$lab.txt" | head -1)
[ -n "$line" ] || fail "[lint] no finding line for $lab"
awk -v n="$line" 'NR == n { $0 = $0 "  # hybridns: ignore HNS105 we like loops" } { print }' \
	"$lab.yaml" >ignored.yaml
run_rc rc "$HYBRIDNS" lab check "$lab" ignored.yaml
[ "$rc" -eq 1 ] || fail "[lint] lab check with an ignore comment exited $rc (expected 1)"
grep -qE "^ ✗ .*\\(finding HNS105 gone\\)$" "$TMP/out" ||
	fail "[lint] an ignore comment made 'finding HNS105 gone' hold: $(cat "$TMP/out")"
echo "labs_findings: $n_goals finding goals judged"
