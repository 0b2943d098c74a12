# Helpers of matrix_check.sh and matrix_rows.sh (sourced after lib.sh).

# SCENARIO OUT [MATRIX_JSON]: the scenario without `given` expectations, plus one per matrix row.
copy() {
	python3 - "$@" <<'PY'
import json, sys, yaml
src, out = sys.argv[1:3]
d = yaml.safe_load(open(src))
d["expect"] = [e for e in d.get("expect", []) if not e.get("given")]
if len(sys.argv) > 3:
    mx = json.load(open(sys.argv[3]))
    places = mx["places"]
    for i, n in enumerate(mx["names"]):
        d["expect"].append({"name": "row %d" % i, "from": places[i % len(places)],
                            "query": "%s %s" % (n["name"], n["type"])})
yaml.safe_dump(d, open(out, "w"), sort_keys=False)
PY
}

compare() { # SCENARIO CHECK_JSON MATRIX_JSON MIN_CELLS
	python3 - "$@" <<'PY'
import json, sys
scn, check_p, matrix_p, min_cells = sys.argv[1:5]
check = json.load(open(check_p)); mx = json.load(open(matrix_p))
assert mx["scenario"] == check["scenario"], (mx["scenario"], check["scenario"])
assert set(mx) >= {"scenario", "places", "names", "cells"}, sorted(mx)
assert len(mx["cells"]) == len(mx["places"]) * len(mx["names"]), "cells != places x names"
cells = {(c["name"], c["type"], c["place"]): c for c in mx["cells"]}
for c in mx["cells"]:
    assert c["class"] in ("private", "public", "nxdomain", "nodata", "servfail", "timeout", "refused"), c
compared, bad = 0, []
for r in check["results"]:
    qname, qtype = r["query"].rsplit(" ", 1)
    place = r["from"].split(" (")[0]
    cell = cells.get((qname, qtype, place))
    if cell is None:
        continue
    compared += 1
    if cell["rcode"] != r["rcode"] or sorted(cell["answers"]) != sorted(r["answers"]):
        bad.append("%s %s from %s: check %s %s, matrix %s %s (%s)" % (qname, qtype, place, r["rcode"],
                   r["answers"], cell["rcode"], cell["answers"], cell["class"]))
if bad:
    sys.exit("%s: %d of %d cells differ from check:\n  %s" % (scn, len(bad), compared, "\n  ".join(bad)))
if compared < int(min_cells):
    sys.exit("%s: only %d expectations were matrix cells (want at least %s)" % (scn, compared, min_cells))
print("%s: %d cells equal check's answers" % (scn, compared))
PY
}

