/*
 * import/import.c -- what every importer shares: reading a source file,
 * and the last steps (finish, write, load back through the model).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "import/internal.h"
#include "model/model.h"

int
imp_read_file(struct imp_scen *s, const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t n = 0, cap = 0;

	if (f == NULL) {
		imp_error(s, path, NULL, "cannot read: %s", strerror(errno));
		return HNS_EPARSE;
	}
	for (;;) {
		if (n == cap) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(b, cap + 1);
			if (nb == NULL) {
				free(b);
				fclose(f);
				return HNS_ENOMEM;
			}
			b = nb;
		}
		size_t got = fread(b + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		imp_error(s, path, NULL, "cannot read: %s", strerror(errno));
		free(b);
		fclose(f);
		return HNS_EPARSE;
	}
	fclose(f);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int
imp_emit(struct imp_scen *s, char **out, size_t *len)
{
	struct model_errors errs;
	struct model *m = NULL;
	char *text = NULL;
	size_t n = 0;
	int rc;

	rc = imp_scen_finish(s);
	if (rc != 0)
		return rc;
	rc = imp_scen_write(s, &text, &n);
	if (rc != 0)
		return rc;
	model_errors_init(&errs);
	rc = model_load_buffer("(imported scenario)", text, n, &m, &errs);
	if (rc != 0) {
		if (s->err != NULL) {
			fprintf(s->err, "hybridns import: the written scenario does not load "
					"(a bug of the importer; please report it with the sources):\n");
			model_errors_print(&errs, s->err);
		}
		model_errors_deinit(&errs);
		free(text);
		return rc == HNS_ENOMEM ? rc : HNS_ESCENARIO;
	}
	model_errors_deinit(&errs);
	model_free(m);
	*out = text;
	*len = n;
	return 0;
}
