#include "config.h"

#include "common/error.h"
#include "harness/export_plan.h"

int
export_windows(const struct export_plan *p, FILE *out)
{
	(void)p;
	(void)out;
	return HNS_EINVAL;
}
