/*
 * import/import.h -- real configurations in, a scenario (format v1) out.
 *
 * Each importer reads its sources, builds the world they describe
 * (import/scen.h), writes it as scenario YAML with a header naming the
 * command and the sources and a `# guessed:` comment on every value the
 * sources did not give, and loads that text back through the model
 * (model_load_buffer) before handing it out: what it returns always
 * loads.  No sockets; reading files is the only I/O.
 *
 * Return values: 0 and *out (malloc'ed, the caller frees) holding *len
 * bytes; HNS_EPARSE when a source is unreadable or invalid (each problem
 * reported on err as "FILE: $.json.path: what (expected ...)"; exit status
 * 2); HNS_ESCENARIO when the written scenario does not load (the loader's
 * messages on err; a bug of the importer, exit status 3); HNS_ENOMEM.
 * Unknown files and resource kinds are skipped with one warning line each.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

struct import_opts {
	const char *region;  /* --region, or NULL: from the sources */
	const char *command; /* for the header comment: "hybridns import aws collected/" */
};

/* AWS CLI `--output json` files, or folders of them (every *.json inside, in name order). */
int import_aws_files(const char *const *paths, size_t n, const struct import_opts *o, FILE *err,
		     char **out, size_t *len);
/* The same for documents in memory (names[i] stands for the file in messages). */
int import_aws_buffers(const char *const *names, const char *const *bufs, const size_t *lens,
		       size_t n, const struct import_opts *o, FILE *err, char **out, size_t *len);

/* `terraform show -json` of a plan or of state. */
int import_terraform_file(const char *path, const struct import_opts *o, FILE *err, char **out,
			  size_t *len);
int import_terraform_buffer(const char *name, const char *buf, size_t buflen,
			    const struct import_opts *o, FILE *err, char **out, size_t *len);
