#!/usr/bin/env python3
"""A stand-in for the AWS CLI in tests: records each call (one line of
arguments in $FAKE_AWS_LOG) and answers from the fixtures in $FAKE_AWS_DIR
(the files aws-collect.sh would write), so aws-collect.sh runs without an
account.  `--query 'List[].Key' --output text` is answered from the same
fixture.  An unknown call exits 255 as the CLI does."""
import json, os, sys

args = sys.argv[1:]
with open(os.environ["FAKE_AWS_LOG"], "a") as log:
    log.write(" ".join(args) + "\n")

def opt(name):
    return args[args.index(name) + 1] if name in args else None

words = [a for i, a in enumerate(args) if not a.startswith("--") and (i == 0 or not args[i - 1].startswith("--"))]
svc, op = words[0], words[1]
files = {
    ("ec2", "describe-vpcs"): "vpcs.json",
    ("ec2", "describe-subnets"): "subnets.json",
    ("ec2", "describe-vpc-peering-connections"): "vpc-peering-connections.json",
    ("ec2", "describe-vpc-endpoints"): "vpc-endpoints.json",
    ("ec2", "describe-network-interfaces"): "network-interfaces.json",
    ("ec2", "describe-vpn-connections"): "vpn-connections.json",
    ("ec2", "describe-vpn-gateways"): "vpn-gateways.json",
    ("route53", "list-hosted-zones"): "hosted-zones.json",
    ("route53resolver", "list-resolver-endpoints"): "resolver-endpoints.json",
    ("route53resolver", "list-resolver-rules"): "resolver-rules.json",
    ("route53resolver", "list-resolver-rule-associations"): "resolver-rule-associations.json",
}
if (svc, op) == ("ec2", "describe-vpc-attribute"):
    name = "vpc-attribute-%s-%s.json" % (opt("--vpc-id"), opt("--attribute"))
elif (svc, op) == ("route53", "get-hosted-zone"):
    name = "hosted-zone-%s.json" % opt("--id")
elif (svc, op) == ("route53", "list-resource-record-sets"):
    name = "records-%s.json" % opt("--hosted-zone-id")
elif (svc, op) == ("route53resolver", "list-resolver-endpoint-ip-addresses"):
    name = "resolver-endpoint-ip-addresses-%s.json" % opt("--resolver-endpoint-id")
else:
    name = files.get((svc, op))
path = os.path.join(os.environ["FAKE_AWS_DIR"], name or "-")
if not name or not os.path.exists(path):
    sys.stderr.write("fake aws: no fixture for %s %s\n" % (svc, op))
    sys.exit(255)
doc = json.load(open(path))
query = opt("--query")
if query:
    lst, key = query.split("[].")
    print("\t".join(item[key] for item in doc[lst]))
else:
    print(json.dumps(doc, indent=4))
