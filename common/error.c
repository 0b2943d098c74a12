#include "config.h"

#include <string.h>

#include "common/error.h"

const char *
hns_strerror(int code)
{
	switch (code) {
	case HNS_OK:
		return "success";
	case HNS_EMALFORMED:
		return "malformed data";
	case HNS_ETRUNC:
		return "data ends early";
	case HNS_ENAME:
		return "bad domain name";
	case HNS_EADDR:
		return "bad address";
	case HNS_ESCENARIO:
		return "invalid scenario";
	case HNS_EUSAGE:
		return "bad usage";
	case HNS_ENOTLOOPBACK:
		return "destination is not a loopback address";
	case HNS_EFULL:
		return "table full";
	case HNS_EPARSE:
		return "parse error";
	default:
		break;
	}
	if (code < 0 && code > HNS_EBASE)
		return strerror(-code);
	return "unknown error";
}
