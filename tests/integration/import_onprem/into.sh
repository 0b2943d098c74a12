#!/usr/bin/env bash
# --into edits the scenario's text: every byte outside the resolver's block
# stays as it was (comments, expectations, layout); a resolver of the same
# name is replaced in place, a new one goes after the last; a scenario
# without onprem gets one at its end; flow style and a result that does not
# validate are refused (exit 2) and nothing is written.
source "$SRCDIR/tests/integration/lib.sh"
CONF="$SRCDIR/tests/import/onprem"
SCEN="$SRCDIR/scenarios/shared-services.yaml"

# same_outside ORIG NEW: NEW is ORIG with one block of lines inserted or
# replaced; prints "PREFIX_LINES REMOVED INSERTED" and fails when anything
# else differs.
same_outside() {
	python3 - "$1" "$2" <<'PY'
import sys
a = open(sys.argv[1], "rb").read().split(b"\n")
b = open(sys.argv[2], "rb").read().split(b"\n")
p = 0
while p < min(len(a), len(b)) and a[p] == b[p]:
    p += 1
s = 0
while s < min(len(a), len(b)) - p and a[-1 - s] == b[-1 - s]:
    s += 1
print(p, len(a) - p - s, len(b) - p - s)
PY
}

# a new resolver: inserted after dc1-dns, nothing removed
run_rc rc "$HYBRIDNS" import unbound "$CONF/unbound/unbound.conf" --into "$SCEN" --name dc2-dns \
	--address 192.168.10.54 -o "$TMP/new.yaml"
[ "$rc" = 0 ] || fail "--into a new resolver: exit $rc: $(cat "$TMP/err")"
read -r pre removed added < <(same_outside "$SCEN" "$TMP/new.yaml")
[ "$removed" = 0 ] || fail "adding a resolver removed $removed lines"
[ "$added" -gt 10 ] || fail "adding a resolver inserted $added lines"
sed -n "$((pre + 1))p" "$TMP/new.yaml" | grep -q "^    # Imported by hybridns .*hybridns import unbound" ||
	fail "the block does not start with its header comment: $(sed -n "$((pre + 1))p" "$TMP/new.yaml")"
# after the last resolver, before whatever follows the onprem section
grep -n "^    dc2-dns:" "$TMP/new.yaml" >/dev/null || fail "no dc2-dns key"
[ "$(grep -n '^    dc1-dns:' "$TMP/new.yaml" | cut -d: -f1)" -lt "$pre" ] || fail "dc2-dns is not after dc1-dns"
"$HYBRIDNS" lint "$TMP/new.yaml" >/dev/null || fail "lint of the edited scenario"

# replacing dc1-dns: only its block changes, in place
run_rc rc "$HYBRIDNS" import bind "$CONF/bind/named.conf" --into "$SCEN" --name dc1-dns -o "$TMP/repl.yaml"
[ "$rc" = 0 ] || fail "--into replacing dc1-dns: exit $rc: $(cat "$TMP/err")"
python3 - "$SCEN" "$TMP/repl.yaml" <<'PY' || fail "replacing dc1-dns changed bytes outside its block"
import sys
a = open(sys.argv[1], "rb").read().split(b"\n")
b = open(sys.argv[2], "rb").read().split(b"\n")
first = a.index(b"    dc1-dns:")
end = first + 1
while end < len(a) and (a[end].strip() == b"" or a[end].startswith(b"     ")):
    end += 1
while end > first + 1 and a[end - 1].strip() == b"":
    end -= 1  # blank lines after the block are not part of it
tail = len(a) - end
assert b[:first] == a[:first], "prefix"
assert b[len(b) - tail:] == a[end:], "suffix"
mid = b[first:len(b) - tail]
assert mid[0].startswith(b"    # Imported by hybridns"), mid[0]
assert b"    dc1-dns:" in mid and b"    dc1-dns:" not in b[:first] + b[len(b) - tail:]
PY
[ "$(grep -c '^    dc1-dns:' "$TMP/repl.yaml")" = 1 ] || fail "dc1-dns twice"
grep -q "^expect:" "$TMP/repl.yaml" || fail "expectations lost"

# in place (-o the same file) is allowed
cp "$SCEN" "$TMP/inplace.yaml"
"$HYBRIDNS" import dnsmasq "$CONF/dnsmasq/dnsmasq.conf" --into "$TMP/inplace.yaml" --name dc1-dns \
	-o "$TMP/inplace.yaml" || fail "editing in place"
grep -q "hybridns import dnsmasq" "$TMP/inplace.yaml" || fail "in place: not written"

# a scenario without onprem: appended at the end
run_rc rc "$HYBRIDNS" import coredns "$CONF/coredns/Corefile" --into "$SRCDIR/scenarios/cross-region.yaml" \
	--name dc1-dns -o "$TMP/append.yaml"
[ "$rc" = 0 ] || fail "--into a scenario without onprem: exit $rc: $(cat "$TMP/err")"
read -r pre removed added < <(same_outside "$SRCDIR/scenarios/cross-region.yaml" "$TMP/append.yaml")
[ "$removed" = 0 ] || fail "appending removed lines"
[ "$pre" -ge "$(($(wc -l <"$SRCDIR/scenarios/cross-region.yaml") - 1))" ] || fail "not appended at the end"
grep -q "^onprem:" "$TMP/append.yaml" || fail "no onprem section added"

# flow style: refused
printf 'scenario: f\nregion: eu-west-1\nonprem: {resolvers: {a: {address: 192.168.0.1}}}\n' >"$TMP/flow.yaml"
run_rc rc "$HYBRIDNS" import bind "$CONF/bind/named.conf" --into "$TMP/flow.yaml" -o "$TMP/flow-out.yaml"
[ "$rc" = 2 ] && grep -q "flow style" "$TMP/err" || fail "flow style: exit $rc: $(cat "$TMP/err")"
[ ! -e "$TMP/flow-out.yaml" ] || fail "flow style: something was written"

# an address another resolver has: the result does not validate -> 2, nothing written
run_rc rc "$HYBRIDNS" import bind "$CONF/bind/named.conf" --into "$SCEN" --name dc2-dns -o "$TMP/dup.yaml"
[ "$rc" = 2 ] && grep -q "does not validate" "$TMP/err" || fail "duplicate address: exit $rc: $(cat "$TMP/err")"
[ ! -e "$TMP/dup.yaml" ] || fail "duplicate address: something was written"

# an invalid --into scenario
printf 'scenario: x\n' >"$TMP/bad.yaml"
run_rc rc "$HYBRIDNS" import bind "$CONF/bind/named.conf" --into "$TMP/bad.yaml"
[ "$rc" = 2 ] && grep -q "bad.yaml:" "$TMP/err" || fail "invalid --into: exit $rc"
echo "--into: the rest of the file byte for byte"
