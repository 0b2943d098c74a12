#include "config.h"

#include <stdio.h>

#include "model/names.h"

const char *
model_zone_kind_str(enum model_zone_kind k)
{
	switch (k) {
	case MODEL_ZONE_PRIVATE:
		return "private";
	case MODEL_ZONE_PUBLIC:
		return "public";
	case MODEL_ZONE_INTERNET:
		return "internet";
	case MODEL_ZONE_ONPREM:
		return "onprem";
	}
	return "?";
}

const char *
model_policy_str(enum model_policy p)
{
	switch (p) {
	case MODEL_POLICY_SEQUENTIAL:
		return "sequential";
	case MODEL_POLICY_ROUND_ROBIN:
		return "round_robin";
	case MODEL_POLICY_RANDOM:
		return "random";
	}
	return "?";
}

const char *
model_tunnel_state_str(enum model_tunnel_state s)
{
	switch (s) {
	case MODEL_TUNNEL_UP:
		return "up";
	case MODEL_TUNNEL_STANDBY:
		return "standby";
	case MODEL_TUNNEL_DOWN:
		return "down";
	}
	return "?";
}

const char *
model_default_kind_str(enum model_default_kind k)
{
	switch (k) {
	case MODEL_DEFAULT_INTERNET:
		return "internet";
	case MODEL_DEFAULT_UPSTREAMS:
		return "upstreams";
	case MODEL_DEFAULT_REFUSE:
		return "refuse";
	}
	return "?";
}

const char *
model_hop_kind_str(enum model_hop_kind k)
{
	switch (k) {
	case MODEL_HOP_ONPREM:
		return "onprem";
	case MODEL_HOP_VPN:
		return "vpn";
	case MODEL_HOP_INBOUND:
		return "inbound";
	case MODEL_HOP_OUTBOUND:
		return "outbound";
	case MODEL_HOP_VPC:
		return "vpc";
	case MODEL_HOP_RULE:
		return "rule";
	case MODEL_HOP_ZONE:
		return "zone";
	case MODEL_HOP_PRIVATE_DNS:
		return "private-dns";
	case MODEL_HOP_FIREWALL:
		return "firewall";
	case MODEL_HOP_INTERNET:
		return "internet";
	}
	return "?";
}

const char *
model_answer_kind_str(enum model_answer_kind k)
{
	switch (k) {
	case MODEL_ANSWER_ANY:
		return "any";
	case MODEL_ANSWER_LIST:
		return "list";
	case MODEL_ANSWER_ENDPOINT:
		return "endpoint";
	case MODEL_ANSWER_ENDPOINT_AZ:
		return "endpoint_az";
	case MODEL_ANSWER_PUBLIC:
		return "public";
	case MODEL_ANSWER_PRIVATE:
		return "private";
	case MODEL_ANSWER_EMPTY:
		return "empty";
	case MODEL_ANSWER_NXDOMAIN:
		return "nxdomain";
	}
	return "?";
}

const char *
model_fault_kind_str(enum model_fault_kind k)
{
	switch (k) {
	case MODEL_FAULT_TUNNEL:
		return "tunnel";
	case MODEL_FAULT_RESOLVER_ENI:
		return "resolver_eni";
	case MODEL_FAULT_RESOLVER_ENDPOINT:
		return "resolver_endpoint";
	case MODEL_FAULT_ENDPOINT_ENI:
		return "endpoint_eni";
	case MODEL_FAULT_ONPREM:
		return "onprem";
	}
	return "?";
}

const char *
model_alias_kind_str(enum model_alias_kind k)
{
	switch (k) {
	case MODEL_ALIAS_ENDPOINT:
		return "endpoint";
	case MODEL_ALIAS_ENDPOINT_AZ:
		return "endpoint_az";
	case MODEL_ALIAS_NAME:
		return "name";
	default:
		return "none";
	}
}

const char *
model_from_str(const struct model_from *f, char *buf, size_t len)
{
	const char *in = f->inbound ? f->inbound->name : "?";

	switch (f->kind) {
	case MODEL_FROM_ONPREM:
		snprintf(buf, len, "onprem:%s", f->resolver ? f->resolver->name : "?");
		break;
	case MODEL_FROM_VPC:
		snprintf(buf, len, "vpc:%s", f->vpc ? f->vpc->name : "?");
		break;
	case MODEL_FROM_INBOUND:
		if (f->inbound_eni && f->inbound_eni->subnet)
			snprintf(buf, len, "inbound:%s@%s", in, f->inbound_eni->subnet->name);
		else
			snprintf(buf, len, "inbound:%s", in);
		break;
	case MODEL_FROM_INTERNET:
		snprintf(buf, len, "internet");
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
	return buf;
}

const char *
model_answer_form_str(const struct model_answer *a, char *buf, size_t len)
{
	size_t o = 0;

	switch (a->kind) {
	case MODEL_ANSWER_LIST:
		buf[0] = '\0';
		for (size_t i = 0; i < a->n_values && o < len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? " " : "", a->values[i]);
		return buf;
	case MODEL_ANSWER_ENDPOINT:
		snprintf(buf, len, "endpoint:%s", a->endpoint->name);
		return buf;
	case MODEL_ANSWER_ENDPOINT_AZ:
		snprintf(buf, len, "endpoint:%s@%s", a->endpoint->name, a->az);
		return buf;
	default:
		return model_answer_kind_str(a->kind);
	}
}
