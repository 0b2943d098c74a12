#!/usr/bin/env bash
# aws-collect.sh [--region R] [--profile P] DIR
#
# Collect, with read-only AWS CLI calls, the outputs `hybridns import aws DIR`
# reads: one JSON file per call, named after the call (the importer
# recognises each by its content, not its name; the names only link the
# per-zone and per-endpoint files to their parent).  Nothing is changed in
# the account.  IAM permissions needed (all read-only):
#   ec2:DescribeVpcs ec2:DescribeSubnets ec2:DescribeVpcAttribute
#   ec2:DescribeVpcPeeringConnections ec2:DescribeVpcEndpoints
#   ec2:DescribeNetworkInterfaces ec2:DescribeVpnConnections
#   ec2:DescribeVpnGateways route53:ListHostedZones route53:GetHostedZone
#   route53:ListResourceRecordSets route53resolver:ListResolverEndpoints
#   route53resolver:ListResolverEndpointIpAddresses
#   route53resolver:ListResolverRules route53resolver:ListResolverRuleAssociations
# (the AWS managed policies AmazonVPCReadOnlyAccess, AmazonRoute53ReadOnlyAccess
# and AmazonRoute53ResolverReadOnlyAccess together hold them).
# The CLI pages through long lists itself; set AWS=... to use another binary.
set -euo pipefail

usage() {
	echo "usage: aws-collect.sh [--region R] [--profile P] DIR" >&2
	exit 2
}

opts=()
dir=""
while [ $# -gt 0 ]; do
	case "$1" in
	--region | --profile)
		[ $# -ge 2 ] || usage
		opts+=("$1" "$2")
		shift 2
		;;
	-h | --help)
		sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*) usage ;;
	*)
		[ -z "$dir" ] || usage
		dir=$1
		shift
		;;
	esac
done
[ -n "$dir" ] || usage
aws=${AWS:-aws}
command -v "$aws" >/dev/null || {
	echo "aws-collect.sh: the AWS CLI ($aws) is not on PATH" >&2
	exit 3
}
mkdir -p "$dir"

# call FILE SERVICE OPERATION [ARGS...]: one read-only call into DIR/FILE.
call() {
	local file=$1
	shift
	echo "aws-collect.sh: $* > $dir/$file" >&2
	"$aws" "${opts[@]}" "$@" --output json >"$dir/$file.tmp"
	mv "$dir/$file.tmp" "$dir/$file"
}

# ids SERVICE OPERATION QUERY: the ids a list call returns, one per line.
ids() {
	"$aws" "${opts[@]}" "$1" "$2" --query "$3" --output text | tr '\t' '\n' | grep -v '^\(None\)\?$' || true
}

call vpcs.json ec2 describe-vpcs
call subnets.json ec2 describe-subnets
for vpc in $(ids ec2 describe-vpcs 'Vpcs[].VpcId'); do
	for attr in enableDnsSupport enableDnsHostnames; do
		call "vpc-attribute-$vpc-$attr.json" ec2 describe-vpc-attribute --vpc-id "$vpc" --attribute "$attr"
	done
done
call vpc-peering-connections.json ec2 describe-vpc-peering-connections
call vpc-endpoints.json ec2 describe-vpc-endpoints
call network-interfaces.json ec2 describe-network-interfaces
call vpn-connections.json ec2 describe-vpn-connections
call vpn-gateways.json ec2 describe-vpn-gateways

call hosted-zones.json route53 list-hosted-zones
for zone in $(ids route53 list-hosted-zones 'HostedZones[].Id'); do
	id=${zone#/hostedzone/}
	call "hosted-zone-$id.json" route53 get-hosted-zone --id "$id"
	call "records-$id.json" route53 list-resource-record-sets --hosted-zone-id "$id"
done

call resolver-endpoints.json route53resolver list-resolver-endpoints
for ep in $(ids route53resolver list-resolver-endpoints 'ResolverEndpoints[].Id'); do
	call "resolver-endpoint-ip-addresses-$ep.json" route53resolver \
		list-resolver-endpoint-ip-addresses --resolver-endpoint-id "$ep"
done
call resolver-rules.json route53resolver list-resolver-rules
call resolver-rule-associations.json route53resolver list-resolver-rule-associations
echo "aws-collect.sh: done; next: hybridns import aws $dir -o scenario.yaml" >&2
