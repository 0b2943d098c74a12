#!/usr/bin/env bash
# export -> import gives the same resolver: for every shipped scenario with
# on-prem resolvers, every resolver and every product, the resolver that
# `hybridns import PRODUCT … --into SCENARIO` puts back equals the original,
# compared through onprem_dump (which applies what each product cannot say,
# listed in onprem_dump.c).  Windows goes through ps_state.py: the JSON the
# DnsServer cmdlets return after the exported script ran.
source "$SRCDIR/tests/integration/lib.sh"
DUMP="$BUILDDIR/tests/integration/import_onprem/onprem_dump"
HERE="$SRCDIR/tests/integration/import_onprem"
[ -x "$DUMP" ] || fail "onprem_dump not built ($DUMP)"

n=0
for s in "$SRCDIR"/scenarios/*.yaml "$SRCDIR"/scenarios/labs/*.yaml \
	"$SRCDIR"/tests/integration/export/records.yaml; do
	"$DUMP" "$s" --list >"$TMP/list" || fail "$s: cannot list its resolvers"
	while read -r r addr; do
		for p in unbound bind dnsmasq coredns dnsdist windows; do
			d="$TMP/$p-$r"
			mkdir -p "$d"
			conf="$d/conf"
			"$HYBRIDNS" export "$s" --to "$p" --resolver "$r" -o "$conf" ||
				fail "$s $r: export --to $p failed"
			if [ "$p" = windows ]; then
				python3 "$HERE/ps_state.py" "$conf" >"$d/state.json" ||
					fail "$s $r: ps_state.py failed"
				conf="$d/state.json"
			fi
			"$HYBRIDNS" import "$p" "$conf" --into "$s" --name "$r" \
				--address "$addr" -o "$d/out.yaml" 2>"$d/err" ||
				fail "$s $r: import $p failed: $(cat "$d/err")"
			"$DUMP" "$s" "$r" "$p" src >"$d/want" || fail "dump $s"
			"$DUMP" "$d/out.yaml" "$r" "$p" imp >"$d/got" || fail "dump $d/out.yaml"
			if ! diff -u "$d/want" "$d/got" >"$d/diff"; then
				cat "$d/diff" >&2
				fail "$(basename "$s") resolver $r: export --to $p then import differs"
			fi
			# an export carries no statement import does not know
			[ ! -s "$d/err" ] || fail "$s $r $p: warnings on an export: $(cat "$d/err")"
			n=$((n + 1))
		done
	done <"$TMP/list"
done
[ "$n" -ge 48 ] || fail "only $n round trips ran"
echo "$n round trips: same resolver"
