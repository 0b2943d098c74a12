#!/usr/bin/env python3
"""Writes state.json and plan.json: the design of tests/import/ (the same
one as tests/import/aws/) in the shape of `terraform show -json` of the
state and of a saved plan (see tests/import/README.md for the pages).

The configuration: a root module with the shared-services VPC, its
endpoints, zones, resolver endpoints and rules and the VPN, and a child
module ./modules/spoke called twice (consumer_1, consumer_2) that makes a
consumer VPC, its subnets (for_each), its peering to the hub and its rule
association.  The plan starts from a state without consumer_2, the sqs
endpoint, the outbound endpoint and the corp rule: those are created, so
their ids (and the outbound endpoint's addresses) are unknown until apply.

Run it again after changing the design; the JSON it writes is committed."""
import json, os

ACCT = "111122223333"
PROVIDER = "registry.terraform.io/hashicorp/aws"
V = {"shared": "vpc-0a1b2c3d4e5f60001", "consumer_1": "vpc-0a1b2c3d4e5f60002", "consumer_2": "vpc-0a1b2c3d4e5f60003"}
IN, OUT = "rslvr-in-0123456789abcdef0", "rslvr-out-0fedcba9876543210"
Z1, Z2 = "Z0123456789ABCDEFGHIJ", "Z0987654321KLMNOPQRST"
API = "vpce-0c11f0aa40d2ff5ad"
SQS = "vpce-0d22e1bb51e3aa6be"

def ref(*addrs):
    out = []
    for a in addrs:
        out.append(a)
        base = a.rsplit(".", 1)[0] if a.count(".") >= 2 and not a.startswith(("var.", "module.")) else None
        if a.startswith("module."):
            out.append(".".join(a.split(".")[:2]))
        elif base:
            out.append(base)
    return {"references": out}

def const(v):
    return {"constant_value": v}

# Each resource: module ("" root), type, name, index (for_each key or None),
# values (the state), exprs (the configuration), new (created by the plan:
# the attributes listed in `unknown` are not known until apply).
R = []
def res(module, type_, name, values, exprs, index=None, new=False, unknown=()):
    R.append(dict(module=module, type=type_, name=name, index=index, values=values,
                  exprs=exprs, new=new, unknown=set(unknown)))

def tags(n):
    return {"Name": n}

# --- root: the hub
res("", "aws_vpc", "shared", {"id": V["shared"], "cidr_block": "10.0.0.0/16", "enable_dns_support": True,
    "enable_dns_hostnames": True, "instance_tenancy": "default", "tags": tags("shared-services"),
    "tags_all": tags("shared-services"), "arn": "arn:aws:ec2:eu-west-1:%s:vpc/%s" % (ACCT, V["shared"])},
    {"cidr_block": const("10.0.0.0/16"), "enable_dns_support": const(True), "enable_dns_hostnames": const(True),
     "tags": const(tags("shared-services"))})
for n, sid, cidr, az in (("private_a", "subnet-0aa0000000000a001", "10.0.1.0/24", "eu-west-1a"),
                         ("private_b", "subnet-0aa0000000000b001", "10.0.2.0/24", "eu-west-1b")):
    res("", "aws_subnet", n, {"id": sid, "vpc_id": V["shared"], "cidr_block": cidr, "availability_zone": az,
        "map_public_ip_on_launch": False, "tags": tags(n.replace("_", "-")), "tags_all": tags(n.replace("_", "-"))},
        {"vpc_id": ref("aws_vpc.shared.id"), "cidr_block": const(cidr), "availability_zone": const(az),
         "tags": const(tags(n.replace("_", "-")))})
res("", "aws_vpc_dhcp_options", "shared", {"id": "dopt-0f1e2d3c4b5a69788", "domain_name": "eu-west-1.compute.internal",
    "domain_name_servers": ["AmazonProvidedDNS"], "tags": {}, "tags_all": {}},
    {"domain_name": const("eu-west-1.compute.internal"), "domain_name_servers": const(["AmazonProvidedDNS"])})
res("", "aws_vpc_dhcp_options_association", "shared", {"id": "dopt-0f1e2d3c4b5a69788-" + V["shared"],
    "dhcp_options_id": "dopt-0f1e2d3c4b5a69788", "vpc_id": V["shared"]},
    {"dhcp_options_id": ref("aws_vpc_dhcp_options.shared.id"), "vpc_id": ref("aws_vpc.shared.id")})
res("", "aws_security_group", "endpoints", {"id": "sg-0123abcd4567ef890", "name": "endpoints", "vpc_id": V["shared"],
    "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"]}]},
    {"name": const("endpoints"), "vpc_id": ref("aws_vpc.shared.id")})

def dns_entry(vid, sfx, label, azs, private=()):
    e = [{"dns_name": "%s-%s.%s.eu-west-1.vpce.amazonaws.com" % (vid, sfx, label), "hosted_zone_id": "Z7K1066E3PUKB"}]
    e += [{"dns_name": "%s-%s-%s.%s.eu-west-1.vpce.amazonaws.com" % (vid, sfx, az, label), "hosted_zone_id": "Z7K1066E3PUKB"} for az in azs]
    e += [{"dns_name": p, "hosted_zone_id": "ZONEIDPENDING"} for p in private]
    return e

res("", "aws_vpc_endpoint", "api", {"id": API, "vpc_id": V["shared"], "service_name": "com.amazonaws.eu-west-1.execute-api",
    "vpc_endpoint_type": "Interface", "private_dns_enabled": False,
    "subnet_ids": ["subnet-0aa0000000000a001", "subnet-0aa0000000000b001"], "security_group_ids": ["sg-0123abcd4567ef890"],
    "network_interface_ids": ["eni-0a00000000000a025", "eni-0a00000000000b025"],
    "dns_entry": dns_entry(API, "l1xf6pcv", "execute-api", ["eu-west-1a", "eu-west-1b"]),
    "tags": tags("api"), "tags_all": tags("api"), "state": "available"},
    {"vpc_id": ref("aws_vpc.shared.id"), "service_name": const("com.amazonaws.eu-west-1.execute-api"),
     "vpc_endpoint_type": const("Interface"), "private_dns_enabled": const(False),
     "subnet_ids": ref("aws_subnet.private_a.id", "aws_subnet.private_b.id"),
     "security_group_ids": ref("aws_security_group.endpoints.id"), "tags": const(tags("api"))})
res("", "aws_vpc_endpoint", "sqs", {"id": SQS, "vpc_id": V["shared"], "service_name": "com.amazonaws.eu-west-1.sqs",
    "vpc_endpoint_type": "Interface", "private_dns_enabled": True, "subnet_ids": [],
    "security_group_ids": ["sg-0123abcd4567ef890"],
    "network_interface_ids": ["eni-0a00000000000a026", "eni-0a00000000000b026"],
    "dns_entry": dns_entry(SQS, "m2yg7qdw", "sqs", ["eu-west-1b", "eu-west-1a"], ["sqs.eu-west-1.amazonaws.com"]),
    "tags": tags("sqs"), "tags_all": tags("sqs"), "state": "available"},
    {"vpc_id": ref("aws_vpc.shared.id"), "service_name": const("com.amazonaws.eu-west-1.sqs"),
     "vpc_endpoint_type": const("Interface"), "private_dns_enabled": const(True),
     "security_group_ids": ref("aws_security_group.endpoints.id"), "tags": const(tags("sqs"))},
    new=True, unknown=("id", "dns_entry", "network_interface_ids", "subnet_ids", "state"))
for n, sid in (("sqs_a", "subnet-0aa0000000000a001"), ("sqs_b", "subnet-0aa0000000000b001")):
    res("", "aws_vpc_endpoint_subnet_association", n, {"id": "a-%s%s" % (SQS, sid[-4:]), "vpc_endpoint_id": SQS, "subnet_id": sid},
        {"vpc_endpoint_id": ref("aws_vpc_endpoint.sqs.id"), "subnet_id": ref("aws_subnet.private_%s.id" % n[-1])},
        new=True, unknown=("id", "vpc_endpoint_id"))
res("", "aws_vpc_endpoint", "s3", {"id": "vpce-0e33f2cc62f4bb7cf", "vpc_id": V["shared"], "service_name": "com.amazonaws.eu-west-1.s3",
    "vpc_endpoint_type": "Gateway", "private_dns_enabled": False, "route_table_ids": ["rtb-0123456789abcdef0"],
    "subnet_ids": [], "dns_entry": [], "tags": tags("s3-gateway"), "tags_all": tags("s3-gateway")},
    {"vpc_id": ref("aws_vpc.shared.id"), "service_name": const("com.amazonaws.eu-west-1.s3"),
     "vpc_endpoint_type": const("Gateway"), "tags": const(tags("s3-gateway"))})

def rep(name, rid, direction, ips, new=False):
    vals = {"id": rid, "name": name, "direction": direction, "host_vpc_id": V["shared"],
            "security_group_ids": ["sg-0123abcd4567ef890"], "resolver_endpoint_type": "IPV4", "protocols": ["Do53"],
            "arn": "arn:aws:route53resolver:eu-west-1:%s:resolver-endpoint/%s" % (ACCT, rid),
            "ip_address": [{"subnet_id": s, "ip": ip, "ip_id": rni} for s, ip, rni in ips], "tags": {}, "tags_all": {}}
    exprs = {"name": const(name), "direction": const(direction), "security_group_ids": ref("aws_security_group.endpoints.id"),
             "ip_address": [{"subnet_id": ref("aws_subnet.private_%s.id" % ("a" if s.endswith("a001") else "b")),
                             **({} if new else {"ip": const(ip)})} for s, ip, rni in ips]}
    res("", "aws_route53_resolver_endpoint", name, vals, exprs, new=new,
        unknown=("id", "arn", "host_vpc_id", "ip_address.ip", "ip_address.ip_id"))
rep("inbound", IN, "INBOUND", [("subnet-0aa0000000000a001", "10.0.1.10", "rni-0a1a2a3a4a5a6a7a8"),
                               ("subnet-0aa0000000000b001", "10.0.2.10", "rni-0b1b2b3b4b5b6b7b8")])
rep("outbound", OUT, "OUTBOUND", [("subnet-0aa0000000000a001", "10.0.1.11", "rni-0c1c2c3c4c5c6c7c8"),
                                  ("subnet-0aa0000000000b001", "10.0.2.11", "rni-0d1d2d3d4d5d6d7d8")], new=True)
res("", "aws_route53_resolver_rule", "corp", {"id": "rslvr-rr-0a1b2c3d4e5f60001", "name": "corp", "domain_name": "corp.example.com",
    "rule_type": "FORWARD", "resolver_endpoint_id": OUT, "target_ip": [{"ip": "192.168.10.53", "port": 53, "protocol": "Do53"}],
    "owner_id": ACCT, "share_status": "NOT_SHARED", "tags": {}, "tags_all": {}},
    {"name": const("corp"), "domain_name": const("corp.example.com"), "rule_type": const("FORWARD"),
     "resolver_endpoint_id": ref("aws_route53_resolver_endpoint.outbound.id"),
     "target_ip": [{"ip": const("192.168.10.53"), "port": const(53)}]},
    new=True, unknown=("id", "resolver_endpoint_id", "owner_id", "share_status", "arn"))
res("", "aws_route53_resolver_rule", "aws_corp", {"id": "rslvr-rr-0a1b2c3d4e5f60002", "name": "aws-corp",
    "domain_name": "aws.corp.example.com", "rule_type": "SYSTEM", "resolver_endpoint_id": "", "target_ip": [],
    "owner_id": ACCT, "share_status": "NOT_SHARED", "tags": {}, "tags_all": {}},
    {"name": const("aws-corp"), "domain_name": const("aws.corp.example.com"), "rule_type": const("SYSTEM")})
res("", "aws_route53_resolver_rule_association", "corp_shared", {"id": "rslvr-rrassoc-0a1b2c3d4e5f60001", "name": "corp-shared",
    "resolver_rule_id": "rslvr-rr-0a1b2c3d4e5f60001", "vpc_id": V["shared"]},
    {"name": const("corp-shared"), "resolver_rule_id": ref("aws_route53_resolver_rule.corp.id"), "vpc_id": ref("aws_vpc.shared.id")},
    new=True, unknown=("id", "resolver_rule_id"))
res("", "aws_route53_resolver_rule_association", "aws_corp_shared", {"id": "rslvr-rrassoc-0a1b2c3d4e5f60004", "name": "aws-corp-shared",
    "resolver_rule_id": "rslvr-rr-0a1b2c3d4e5f60002", "vpc_id": V["shared"]},
    {"name": const("aws-corp-shared"), "resolver_rule_id": ref("aws_route53_resolver_rule.aws_corp.id"), "vpc_id": ref("aws_vpc.shared.id")})

# zones: the API zone names its VPCs inline (two through module outputs),
# the internal zone has one inline and one association
res("", "aws_route53_zone", "api", {"id": Z1, "zone_id": Z1, "name": "execute-api.eu-west-1.amazonaws.com",
    "comment": "private API through the central endpoint", "force_destroy": False,
    "name_servers": [], "vpc": [{"vpc_id": V[v], "vpc_region": "eu-west-1"} for v in ("shared", "consumer_1", "consumer_2")],
    "tags": {}, "tags_all": {}},
    {"name": const("execute-api.eu-west-1.amazonaws.com"), "comment": const("private API through the central endpoint"),
     "vpc": [{"vpc_id": ref("aws_vpc.shared.id")}, {"vpc_id": ref("module.consumer_1.vpc_id")},
             {"vpc_id": ref("module.consumer_2.vpc_id")}]},
    new=False, unknown=("vpc.2.vpc_id",))
res("", "aws_route53_zone", "internal", {"id": Z2, "zone_id": Z2, "name": "internal.example.com", "comment": "internal names",
    "force_destroy": False, "name_servers": [], "vpc": [{"vpc_id": V["shared"], "vpc_region": "eu-west-1"}], "tags": {}, "tags_all": {}},
    {"name": const("internal.example.com"), "comment": const("internal names"), "vpc": [{"vpc_id": ref("aws_vpc.shared.id")}]})
res("", "aws_route53_zone_association", "internal_consumer_1", {"id": "%s:%s" % (Z2, V["consumer_1"]), "zone_id": Z2,
    "vpc_id": V["consumer_1"], "vpc_region": "eu-west-1"},
    {"zone_id": ref("aws_route53_zone.internal.zone_id"), "vpc_id": ref("module.consumer_1.vpc_id")})
res("", "aws_route53_vpc_association_authorization", "internal_consumer_2", {"id": "%s:%s" % (Z2, V["consumer_2"]), "zone_id": Z2,
    "vpc_id": V["consumer_2"], "vpc_region": "eu-west-1"},
    {"zone_id": ref("aws_route53_zone.internal.zone_id"), "vpc_id": ref("module.consumer_2.vpc_id")},
    new=True, unknown=("id", "vpc_id"))
def alias_rec(name, zone, zid, rec, target, idx):
    res("", "aws_route53_record", name, {"id": "%s_%s_A" % (zid, rec), "zone_id": zid, "name": rec, "type": "A",
        "fqdn": rec, "ttl": 0, "records": [], "set_identifier": "",
        "alias": [{"name": target, "zone_id": "Z7K1066E3PUKB", "evaluate_target_health": False}]},
        {"zone_id": ref("aws_route53_zone.%s.zone_id" % zone), "name": const(rec), "type": const("A"),
         "alias": [{"name": ref("aws_vpc_endpoint.api.dns_entry[%d].dns_name" % idx),
                    "zone_id": ref("aws_vpc_endpoint.api.dns_entry[%d].hosted_zone_id" % idx),
                    "evaluate_target_health": const(False)}]})
alias_rec("api_apex", "api", Z1, "execute-api.eu-west-1.amazonaws.com", "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com", 0)
alias_rec("api_wildcard", "api", Z1, "*.execute-api.eu-west-1.amazonaws.com", "vpce-0c11f0aa40d2ff5ad-l1xf6pcv.execute-api.eu-west-1.vpce.amazonaws.com", 0)
alias_rec("internal_api", "internal", Z2, "api.internal.example.com", "vpce-0c11f0aa40d2ff5ad-l1xf6pcv-eu-west-1a.execute-api.eu-west-1.vpce.amazonaws.com", 1)
for n, rec, typ, val in (("db", "db", "A", "10.1.1.99"), ("docs", "docs", "CNAME", "db.internal.example.com"),
                         ("owner", "internal.example.com", "TXT", "owner=network-team")):
    # the provider keeps `name` as written: relative names are inside the zone
    res("", "aws_route53_record", n, {"id": "%s_%s_%s" % (Z2, rec, typ), "zone_id": Z2, "name": rec, "type": typ,
        "fqdn": rec if "." in rec else rec + ".internal.example.com", "ttl": 300,
        "records": ['"%s"' % val if typ == "TXT" else val], "alias": [], "set_identifier": ""},
        {"zone_id": ref("aws_route53_zone.internal.zone_id"), "name": const(rec), "type": const(typ), "ttl": const(300),
         "records": const(['"%s"' % val if typ == "TXT" else val])})

# VPN
res("", "aws_vpn_gateway", "dc1", {"id": "vgw-0a1b2c3d4e5f60001", "vpc_id": V["shared"], "amazon_side_asn": "64512",
    "tags": tags("dc1-vgw"), "tags_all": tags("dc1-vgw")},
    {"vpc_id": ref("aws_vpc.shared.id"), "tags": const(tags("dc1-vgw"))})
res("", "aws_customer_gateway", "dc1", {"id": "cgw-0a1b2c3d4e5f60001", "bgp_asn": "65000", "ip_address": "198.51.100.7",
    "type": "ipsec.1", "tags": tags("dc1"), "tags_all": tags("dc1")},
    {"bgp_asn": const(65000), "ip_address": const("198.51.100.7"), "type": const("ipsec.1")})
res("", "aws_vpn_connection", "dc1", {"id": "vpn-0a1b2c3d4e5f60001", "vpn_gateway_id": "vgw-0a1b2c3d4e5f60001",
    "customer_gateway_id": "cgw-0a1b2c3d4e5f60001", "type": "ipsec.1", "static_routes_only": True,
    "tunnel1_address": "203.0.113.11", "tunnel2_address": "203.0.113.12",
    "tunnel1_inside_cidr": "169.254.11.0/30", "tunnel2_inside_cidr": "169.254.12.0/30",
    "routes": [{"destination_cidr_block": "192.168.0.0/16", "source": "Static", "state": "available"}],
    "vgw_telemetry": [{"outside_ip_address": "203.0.113.12", "status": "UP", "accepted_route_count": 0,
                       "last_status_change": "2026-12-01T08:01:40Z", "status_message": ""},
                      {"outside_ip_address": "203.0.113.11", "status": "UP", "accepted_route_count": 0,
                       "last_status_change": "2026-12-01T08:01:12Z", "status_message": ""}],
    "tags": tags("dc1"), "tags_all": tags("dc1")},
    {"vpn_gateway_id": ref("aws_vpn_gateway.dc1.id"), "customer_gateway_id": ref("aws_customer_gateway.dc1.id"),
     "type": const("ipsec.1"), "static_routes_only": const(True), "tags": const(tags("dc1"))})
res("", "aws_vpn_connection_route", "dc1", {"id": "192.168.0.0/16:vpn-0a1b2c3d4e5f60001", "destination_cidr_block": "192.168.0.0/16",
    "vpn_connection_id": "vpn-0a1b2c3d4e5f60001"},
    {"destination_cidr_block": const("192.168.0.0/16"), "vpn_connection_id": ref("aws_vpn_connection.dc1.id")})

# --- module "spoke", twice
SPOKES = {"consumer_1": ("consumer-1", "10.1.0.0/16", {"a": ("subnet-0aa0000000000a002", "10.1.1.0/24", "eu-west-1a"),
                                                       "b": ("subnet-0aa0000000000b002", "10.1.2.0/24", "eu-west-1b")},
                         "pcx-0b1c2d3e4f5a60001", "rslvr-rrassoc-0a1b2c3d4e5f60002"),
          "consumer_2": ("consumer-2", "10.2.0.0/16", {"a": ("subnet-0aa0000000000a003", "10.2.1.0/24", "eu-west-1a")},
                         "pcx-0b1c2d3e4f5a60002", "rslvr-rrassoc-0a1b2c3d4e5f60003")}
for mod, (label, cidr, subnets, pcx, assoc) in SPOKES.items():
    m = "module." + mod
    new = mod == "consumer_2"
    vid = V[mod]
    res(m, "aws_vpc", "this", {"id": vid, "cidr_block": cidr, "enable_dns_support": True, "enable_dns_hostnames": True,
        "tags": tags(label), "tags_all": tags(label)},
        {"cidr_block": ref("var.cidr"), "enable_dns_support": const(True), "enable_dns_hostnames": const(True),
         "tags": ref("var.name")}, new=new, unknown=("id", "arn"))
    for k, (sid, scidr, az) in subnets.items():
        res(m, "aws_subnet", "this", {"id": sid, "vpc_id": vid, "cidr_block": scidr, "availability_zone": az,
            "tags": tags("%s-%s" % (label, k)), "tags_all": tags("%s-%s" % (label, k))},
            {"vpc_id": ref("aws_vpc.this.id"), "cidr_block": ref("each.value.cidr"), "availability_zone": ref("each.value.az"),
             "tags": ref("var.name", "each.key")}, index=k, new=new, unknown=("id", "vpc_id", "arn"))
    res(m, "aws_vpc_peering_connection", "hub", {"id": pcx, "vpc_id": V["shared"], "peer_vpc_id": vid, "auto_accept": True,
        "accept_status": "active", "tags": tags("shared-to-" + label), "tags_all": tags("shared-to-" + label)},
        {"vpc_id": ref("var.hub_vpc_id"), "peer_vpc_id": ref("aws_vpc.this.id"), "auto_accept": const(True)},
        new=new, unknown=("id", "peer_vpc_id", "accept_status"))
    res(m, "aws_route53_resolver_rule_association", "corp", {"id": assoc, "name": "corp-" + label,
        "resolver_rule_id": "rslvr-rr-0a1b2c3d4e5f60001", "vpc_id": vid},
        {"name": ref("var.name"), "resolver_rule_id": ref("var.corp_rule_id"), "vpc_id": ref("aws_vpc.this.id")},
        new=new or True, unknown=("id", "resolver_rule_id") + (("vpc_id",) if new else ()))

def addr(r):
    a = "%s.%s" % (r["type"], r["name"])
    if r["index"] is not None:
        a += '["%s"]' % r["index"]
    return (r["module"] + "." if r["module"] else "") + a

def planned(r):
    v = json.loads(json.dumps(r["values"]))
    for u in r["unknown"]:
        parts = u.split(".")
        if r["new"] or len(parts) == 3:
            if len(parts) == 1:
                v.pop(u, None)
            elif len(parts) == 2:  # attr of every nested block
                for b in v.get(parts[0], []):
                    b.pop(parts[1], None)
            else:  # block.index.attr: an update of a resource that exists
                v[parts[0]][int(parts[1])].pop(parts[2], None)
    return v

def module_values(resources, values_of, module=""):
    out = {"resources": []}
    for r in resources:
        if r["module"] == module:
            e = {"address": addr(r), "mode": "managed", "type": r["type"], "name": r["name"]}
            if r["index"] is not None:
                e["index"] = r["index"]
            e.update({"provider_name": PROVIDER, "schema_version": 0, "values": values_of(r), "sensitive_values": {}})
            out["resources"].append(e)
    if module == "":
        kids = sorted({r["module"] for r in resources if r["module"]})
        out["child_modules"] = [dict(module_values(resources, values_of, k), address=k) for k in kids]
        if not out["child_modules"]:
            del out["child_modules"]
    else:
        out["address"] = module
    return out

def write(name, doc):
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), name), "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")

write("state.json", {"format_version": "1.0", "terraform_version": "1.6.6",
                     "values": {"root_module": module_values(R, lambda r: r["values"])}})

# the plan: prior state = everything not new; changes; configuration
prior = [r for r in R if not r["new"]]
def conf_resources(module):
    seen, out = set(), []
    for r in R:
        if r["module"] != module or (r["type"], r["name"]) in seen:
            continue
        seen.add((r["type"], r["name"]))
        c = {"address": "%s.%s" % (r["type"], r["name"]), "mode": "managed", "type": r["type"], "name": r["name"],
             "provider_config_key": "aws" if not module else module.split(".")[1] + ":aws",
             "expressions": r["exprs"], "schema_version": 0}
        if r["index"] is not None:
            c["for_each_expression"] = {"references": ["var.subnets"]}
        out.append(c)
    return out
spoke = {"outputs": {"vpc_id": {"expression": {"references": ["aws_vpc.this.id", "aws_vpc.this"]}}},
         "resources": conf_resources("module.consumer_1"),
         "variables": {"name": {}, "cidr": {}, "subnets": {}, "hub_vpc_id": {}, "corp_rule_id": {}}}
def call(mod):
    label, cidr, subnets, _, _ = SPOKES[mod]
    return {"source": "./modules/spoke",
            "expressions": {"name": const(label), "cidr": const(cidr),
                            "subnets": const({k: {"cidr": c, "az": az} for k, (_, c, az) in subnets.items()}),
                            "hub_vpc_id": ref("aws_vpc.shared.id"), "corp_rule_id": ref("aws_route53_resolver_rule.corp.id")},
            "module": spoke}
changes = []
for r in R:
    unknown = {}
    for u in r["unknown"]:
        if "." not in u and r["new"]:
            unknown[u] = True
    changes.append({"address": addr(r), **({"module_address": r["module"]} if r["module"] else {}),
                    "mode": "managed", "type": r["type"], "name": r["name"],
                    **({"index": r["index"]} if r["index"] is not None else {}),
                    "provider_name": PROVIDER,
                    "change": {"actions": ["create"] if r["new"] else (["update"] if r["unknown"] else ["no-op"]),
                               "before": None if r["new"] else r["values"], "after": planned(r),
                               "after_unknown": unknown, "before_sensitive": False if r["new"] else {},
                               "after_sensitive": {}}})
write("plan.json", {
    "format_version": "1.2", "terraform_version": "1.6.6",
    "planned_values": {"root_module": module_values(R, planned)},
    "resource_changes": changes,
    "prior_state": {"format_version": "1.0", "terraform_version": "1.6.6",
                    "values": {"root_module": module_values(prior, lambda r: r["values"])}},
    "configuration": {
        "provider_config": {"aws": {"name": "aws", "full_name": PROVIDER,
                                    "expressions": {"region": const("eu-west-1")}}},
        "root_module": {"resources": conf_resources(""),
                        "module_calls": {"consumer_1": call("consumer_1"), "consumer_2": call("consumer_2")}}},
    "timestamp": "2026-12-06T09:00:00Z", "errored": False})
