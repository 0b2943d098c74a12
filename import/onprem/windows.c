#include "config.h"

#include "common/error.h"
#include "import/onprem/onprem.h"

int
onprem_read_windows(struct onprem_conf *c, const char *path, FILE *err)
{
	fprintf(err, "%s: not yet\n", path);
	return HNS_EPARSE;
}
