#include "config.h"

#include <stdio.h>

#include "common/error.h"
#include "harness/cmd.h"
#include "harness/scenario_src.h"
#include "model/model.h"

int
scenario_load_status(int rc)
{
	return rc == HNS_ENOMEM ? HNS_EXIT_RUNTIME : HNS_EXIT_USAGE;
}

int
scenario_load(const char *path, struct model **out)
{
	struct model_errors errs;
	int rc;

	model_errors_init(&errs);
	if (path != NULL)
		rc = model_load_file(path, out, &errs);
	else
		rc = model_load_buffer(HNS_DEFAULT_SCENARIO_NAME, hns_default_scenario,
				       hns_default_scenario_len, out, &errs);
	if (rc != 0) {
		model_errors_print(&errs, stderr);
		if (errs.n == 0)
			fprintf(stderr, "hybridns: %s: %s\n", path ? path : HNS_DEFAULT_SCENARIO_NAME,
				hns_strerror(rc));
	}
	model_errors_deinit(&errs);
	return rc;
}
