#!/usr/bin/env python3
"""world.py MODE < lint-json: the world of `hybridns lint --format json`,
normalised for comparing two imports of one design.

  aws-vs-state: drops only where the scenario file stands (file, line) and
      the interface endpoints' ENI addresses, which Terraform never holds
      (both imports must agree on everything else, ids included);
  aws-vs-plan:  drops as well what a plan does not know until apply: ids,
      vpce DNS suffixes and the names built from them, resolver endpoint
      addresses.  Everything else -- VPCs, subnets, peerings, endpoints,
      zones, their associations and records, resolver endpoints, rules and
      their associations, the VPN -- must be the same world."""
import json, re, sys

mode = sys.argv[1]
plan = mode == "aws-vs-plan"
VPCE = re.compile(r"vpce-[0-9a-f]+-[a-z0-9]{8}")
RULE_ID = re.compile(r" \(rslvr-rr-[0-9a-f]+\)")  # findings name a rule by its id when known

def norm(x, path=()):
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            if k in ("file", "line"):
                continue
            if "enis" in path and k in ("ip", "id") and (plan or "endpoints" in path[:1]):
                continue
            if plan and k in ("id", "dns_suffix", "regional_name", "zonal_name"):
                continue
            out[k] = norm(v, path + (k,))
        return out
    if isinstance(x, list):
        return [norm(v, path) for v in x]
    if isinstance(x, str) and plan:
        return RULE_ID.sub("", VPCE.sub("vpce-X", x))
    return x

json.dump(norm(json.load(sys.stdin)), sys.stdout, indent=1, sort_keys=True)
print()
