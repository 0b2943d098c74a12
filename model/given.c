/*
 * model/given.c -- faults written on a command line (`trace --given`) in
 * the forms of an expectation's `given.down` items, read by the loader's
 * own ld_fault, so that both accept the same texts and say the same things.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "model/internal.h"

int
model_fault_parse(struct model *m, const char *text, struct model_fault *out, char *err, size_t cap)
{
	struct ld ld = {0};
	struct ynode v = {0};
	struct model_fault f;
	bool ok;
	int rc = 0;

	ld.m = m;
	ld.file = "";
	v.kind = YN_SCALAR;
	v.plain = true;
	v.loc = (struct model_loc){1, 1};
	v.str = text;
	v.len = strlen(text);
	ok = ld_fault(&ld, &v, NULL, &f);
	if (ld.oom) {
		snprintf(err, cap, "out of memory");
		rc = HNS_ENOMEM;
	} else if (!ok || ld.n_total > 0) {
		/* ld_err wrote ":1:1: <what>"; the caller names where the text came from. */
		const char *msg = ld.n_errs > 0 && ld.errs[0].msg != NULL ? ld.errs[0].msg : ":1:1: not a fault";
		const char *what = strstr(msg, ": ");

		snprintf(err, cap, "%s", what != NULL ? what + 2 : msg);
		rc = HNS_EINVAL;
	}
	for (size_t i = 0; i < ld.n_errs; i++)
		free(ld.errs[i].msg);
	free(ld.errs);
	if (rc == 0)
		*out = f;
	return rc;
}
