#include "config.h"
#include "common/error.h"
#include "import/import.h"
#include "import/internal.h"
int
import_terraform_buffer(const char *name, const char *buf, size_t buflen,
			const struct import_opts *o, FILE *err, char **out, size_t *len)
{
	return HNS_EPARSE;
}
int
import_terraform_file(const char *path, const struct import_opts *o, FILE *err, char **out,
		      size_t *len)
{
	return HNS_EPARSE;
}
