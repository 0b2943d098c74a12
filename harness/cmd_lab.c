/*
 * harness/cmd_lab.c -- `hybridns lab`: list, show, hint, start and check
 * the labs of harness/lab_catalog.c.
 *
 * `lab check LAB FILE` loads FILE as a scenario (located errors, exit 2),
 * then judges each of the lab's goals: every expectation of the design as
 * shipped, spliced into FILE's world in place of FILE's own `expect:`
 * (harness/lab_goals.c) and run live as `hybridns check` runs it, and
 * every finding rule, against lint's findings on FILE (ignore comments do
 * not count).  Exit 0 when every goal holds, 1 otherwise.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"
#include "common/plural.h"
#include "harness/check.h"
#include "harness/cmd.h"
#include "harness/lab.h"
#include "harness/scenario_src.h"
#include "harness/serve.h"
#include "lint/lint.h"
#include "model/model.h"

const char cmd_lab_usage[] =
	"usage: hybridns lab list\n"
	"       hybridns lab show LAB\n"
	"       hybridns lab hint LAB [N]\n"
	"       hybridns lab start LAB [FILE]     (writes the broken design; FILE - is stdout)\n"
	"       hybridns lab check LAB FILE\n";

static const struct lab *
lab_get(const char *name)
{
	const struct lab *l = lab_find(name);

	if (l != NULL)
		return l;
	fprintf(stderr, "hybridns lab: no lab named '%s' (expected one of:", name);
	for (size_t i = 0; i < lab_catalog_n; i++)
		fprintf(stderr, "%s %s", i ? "," : "", lab_catalog[i].name);
	fprintf(stderr, ")\n");
	return NULL;
}

/* Print text with every line indented by `pad`. */
static void
print_indented(const char *text, const char *pad)
{
	const char *s = text;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		printf("%s%.*s\n", pad, (int)n, s);
		s += n + (nl != NULL);
	}
}

/* The design as shipped, loaded (its expectations are the goals). */
static int
lab_design_load(const struct lab *l, struct model **out)
{
	struct model_errors errs;
	char name[128];
	int rc;

	snprintf(name, sizeof(name), "scenarios/labs/%s.yaml (built in)", l->name);
	model_errors_init(&errs);
	rc = model_load_buffer(name, l->design, strlen(l->design), out, &errs);
	if (rc != 0) {
		model_errors_print(&errs, stderr);
		fprintf(stderr, "hybridns lab: the built-in design of %s does not load: %s\n", l->name,
			hns_strerror(rc));
	}
	model_errors_deinit(&errs);
	return rc;
}

static int
lab_list(void)
{
	for (size_t i = 0; i < lab_catalog_n; i++) {
		const struct lab *l = &lab_catalog[i];

		printf("%-26s %3u min  %s\n", l->name, l->minutes, l->title);
	}
	printf("%zu labs; start with `hybridns lab show LAB`\n", lab_catalog_n);
	return HNS_EXIT_OK;
}

static int
lab_show(const struct lab *l)
{
	struct model *m = NULL;
	size_t k = 0;

	if (lab_design_load(l, &m) != 0)
		return HNS_EXIT_RUNTIME;
	printf("%s: %s (about %u minutes)\n", l->name, l->title, l->minutes);
	printf("Teaches: %s\n\nThe story:\n", l->teaches);
	print_indented(l->story, "  ");
	printf("\nGoals (`hybridns lab check %s FILE` grades these, not FILE's own expect:):\n",
	       l->name);
	for (size_t i = 0; i < m->n_expects; i++)
		printf("  %zu. %s\n", ++k, m->expects[i].name);
	for (size_t i = 0; i < LAB_MAX_FINDING_GOALS && l->findings[i].id != NULL; i++)
		printf("  %zu. %s: finding %s %s\n", ++k, l->findings[i].what, l->findings[i].id,
		       l->findings[i].present ? "present" : "gone");
	printf("\nStart:  hybridns lab start %s [FILE]    (writes the broken design, default %s.yaml)\n",
	       l->name, l->name);
	printf("Hints:  hybridns lab hint %s [N]         (%zu %s, one at a time)\n", l->name,
	       lab_hint_count(l), HNS_PLURAL(lab_hint_count(l), "hint", "hints"));
	printf("Check:  hybridns lab check %s FILE\n", l->name);
	model_free(m);
	return HNS_EXIT_OK;
}

static int
lab_hint(const struct lab *l, const char *arg)
{
	size_t n = lab_hint_count(l), want = 1;

	if (arg != NULL) {
		char *end;
		unsigned long v = strtoul(arg, &end, 10);

		if (*arg < '0' || *arg > '9' || *end != '\0' || v == 0) {
			fprintf(stderr, "hybridns lab hint: N: '%s' is not a hint number (1-%zu)\n", arg, n);
			return HNS_EXIT_USAGE;
		}
		if (v > n) {
			fprintf(stderr, "hybridns lab hint: %s has %zu %s; there is no hint %lu\n",
				l->name, n, HNS_PLURAL(n, "hint", "hints"), v);
			return HNS_EXIT_USAGE;
		}
		want = v;
	}
	printf("Hint %zu of %zu (%s):\n", want, n, l->name);
	print_indented(l->hints[want - 1], "  ");
	if (want < n)
		printf("Next: hybridns lab hint %s %zu\n", l->name, want + 1);
	else
		printf("That was the last hint.\n");
	return HNS_EXIT_OK;
}

static int
lab_start(const struct lab *l, const char *path)
{
	char def[128];
	size_t len = strlen(l->design);
	int fd;
	FILE *f;

	if (path != NULL && strcmp(path, "-") == 0)
		return fwrite(l->design, 1, len, stdout) == len ? HNS_EXIT_OK : HNS_EXIT_RUNTIME;
	if (path == NULL) {
		snprintf(def, sizeof(def), "%s.yaml", l->name);
		path = def;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		fprintf(stderr, "hybridns lab start: %s: %s%s\n", path, strerror(errno),
			errno == EEXIST ? " (give another FILE; an existing file is never overwritten)" : "");
		return HNS_EXIT_USAGE;
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return HNS_EXIT_RUNTIME;
	}
	if (fwrite(l->design, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "hybridns lab start: %s: %s\n", path, strerror(errno));
		return HNS_EXIT_RUNTIME;
	}
	printf("wrote %s: fix it, then `hybridns lab check %s %s`\n", path, l->name, path);
	return HNS_EXIT_OK;
}

/* The trainee's file: its text (for the splice) and its model.  Exit status on failure. */
static int
trainee_load(const char *path, char **text, size_t *len, struct model **m)
{
	struct model_errors errs;
	FILE *f = fopen(path, "rb");
	size_t cap = 0;
	ssize_t n;
	int rc;

	if (f == NULL) {
		fprintf(stderr, "hybridns lab check: %s: %s\n", path, strerror(errno));
		return HNS_EXIT_USAGE;
	}
	*text = NULL;
	n = getdelim(text, &cap, '\0', f); /* the whole file: a scenario holds no NUL */
	if (n < 0 || !feof(f)) {
		fprintf(stderr, "hybridns lab check: %s: %s\n", path,
			n < 0 && ferror(f) ? strerror(errno) : n < 0 ? "empty file" : "contains a NUL byte");
		fclose(f);
		free(*text);
		return HNS_EXIT_USAGE;
	}
	fclose(f);
	*len = (size_t)n;
	model_errors_init(&errs);
	rc = model_load_buffer(path, *text, *len, m, &errs);
	if (rc != 0) {
		model_errors_print(&errs, stderr);
		if (errs.n == 0)
			fprintf(stderr, "hybridns lab check: %s: %s\n", path, hns_strerror(rc));
		free(*text);
	}
	model_errors_deinit(&errs);
	return rc == 0 ? HNS_EXIT_OK : scenario_load_status(rc);
}

/* Print why a goal could not be judged: the first loader message. */
static void
goal_unbound(struct model_errors *errs)
{
	const char *msg = errs->n ? errs->msgs[0] : "the goal does not load";

	printf("     cannot be judged in this design: %s\n", msg);
	printf("     (the goals use the lab's names for VPCs, endpoints, zones and subnets: keep them)\n");
}

/*
 * Judge goal `i` (the design's expectation item) in the trainee's world.
 * Returns 1 when it holds, 0 when not, or a negative hns_err when the world
 * could not come up.
 */
static int
goal_expect_judge(const char *path, const char *text, const struct lab_doc *tdoc,
		  const struct lab *l, const struct lab_doc *ddoc, size_t i, const char *name,
		  struct check_result *res)
{
	struct model_errors errs;
	struct check_opts o;
	struct model *m = NULL;
	char *goal = NULL, label[512];
	size_t glen;
	int rc;

	rc = lab_goal_text(text, tdoc, l->design, &ddoc->items[i], &goal, &glen);
	if (rc != 0) {
		fprintf(stderr, "hybridns lab check: %s: the lab's goal does not splice: %s\n", name,
			hns_strerror(rc));
		return rc;
	}
	snprintf(label, sizeof(label), "%s + goal %zu", path, i + 1);
	model_errors_init(&errs);
	rc = model_load_buffer(label, goal, glen, &m, &errs);
	free(goal);
	if (rc != 0 || m->n_expects != 1) {
		printf(" \u2717 %s\n", name);
		goal_unbound(&errs);
		model_errors_deinit(&errs);
		model_free(m);
		return rc == HNS_ENOMEM ? rc : 0;
	}
	model_errors_deinit(&errs);
	check_opts_init(&o);
	rc = check_run(m, &m->expects[0], &o, res);
	if (rc != 0) {
		fprintf(stderr, "hybridns lab check: %s: cannot bring the world up: %s\n", name,
			hns_strerror(rc));
		model_free(m);
		return rc;
	}
	printf(" %s %s\n", res->verdict.pass ? "\u2713" : "\u2717", name);
	if (!res->verdict.pass)
		printf("     %s\n", res->verdict.message);
	rc = res->verdict.pass;
	model_free(m);
	return rc;
}

/*
 * The model the finding goals are judged on: the trainee's design with its
 * own `expect:` replaced by all of the lab's goals, since some findings
 * (HNS111, HNS130, ...) read the expectations, and a trainee's edits to
 * them must not change the grade.  NULL (with *rc) when it does not load.
 */
static struct model *
goals_model(const char *path, const char *text, const struct lab_doc *tdoc, const struct lab *l,
	    const struct lab_doc *ddoc, int *rc)
{
	struct lab_span all = { ddoc->items[0].start, ddoc->items[ddoc->n_items - 1].end };
	struct model_errors errs;
	struct model *m = NULL;
	char *t = NULL;
	size_t len;

	if ((*rc = lab_goal_text(text, tdoc, l->design, &all, &t, &len)) != 0)
		return NULL;
	model_errors_init(&errs);
	*rc = model_load_buffer(path, t, len, &m, &errs);
	model_errors_deinit(&errs);
	free(t);
	return *rc == 0 ? m : NULL;
}

/* Judge the finding rules on the graded model; returns how many hold, or a negative hns_err. */
static int
goal_findings_judge(const struct lab *l, const struct model *m, size_t *n_goals)
{
	struct lint_findings f;
	int held = 0, rc;

	if ((rc = lint_run(m, NULL, 0, &f)) != 0)
		return rc;
	for (size_t g = 0; g < LAB_MAX_FINDING_GOALS && l->findings[g].id != NULL; g++) {
		const struct lab_finding_goal *fg = &l->findings[g];
		const struct lint_finding *hit = NULL;

		for (size_t k = 0; k < f.n && hit == NULL; k++) {
			if (strcmp(f.v[k].id, fg->id) == 0)
				hit = &f.v[k];
		}
		(*n_goals)++;
		held += (hit != NULL) == fg->present;
		printf(" %s %s (finding %s %s)\n", (hit != NULL) == fg->present ? "\u2713" : "\u2717",
		       fg->what, fg->id, fg->present ? "present" : "gone");
		if (hit != NULL && !fg->present)
			printf("     %s:%u:%u: %s: %s\n     fix: %s\n", m->file, hit->loc.line,
			       hit->loc.col, hit->path ? hit->path : "", hit->message,
			       hit->fix ? hit->fix : "");
	}
	lint_findings_deinit(&f);
	return held;
}

static int
lab_check(const struct lab *l, const char *path)
{
	struct lab_doc tdoc = { 0 }, ddoc = { 0 };
	struct check_result *res = NULL;
	struct model *tm = NULL, *dm = NULL;
	size_t len = 0, goals = 0, held = 0;
	char *text = NULL, err[256];
	int status, rc;

	if ((status = trainee_load(path, &text, &len, &tm)) != HNS_EXIT_OK)
		return status;
	status = HNS_EXIT_RUNTIME;
	if (lab_doc_scan(text, len, &tdoc, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s:%s (lab check needs the layout of the lab's design)\n", path, err);
		status = HNS_EXIT_USAGE;
		goto out;
	}
	if (lab_design_load(l, &dm) != 0 ||
	    lab_doc_scan(l->design, strlen(l->design), &ddoc, err, sizeof(err)) != 0 ||
	    ddoc.n_items != dm->n_expects) {
		fprintf(stderr, "hybridns lab check: the built-in design of %s has unreadable goals\n",
			l->name);
		goto out;
	}
	if ((res = calloc(1, sizeof(*res))) == NULL)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	printf("lab %s: %s\n", l->name, l->title);
	for (size_t i = 0; i < ddoc.n_items; i++) {
		rc = goal_expect_judge(path, text, &tdoc, l, &ddoc, i, dm->expects[i].name, res);
		if (rc < 0)
			goto out;
		goals++;
		held += (size_t)rc;
	}
	if (ddoc.n_items > 0) {
		struct model *gm = goals_model(path, text, &tdoc, l, &ddoc, &rc);

		/* a design whose goals do not all load is judged on its own expectations' world */
		rc = goal_findings_judge(l, gm ? gm : tm, &goals);
		model_free(gm);
	} else {
		rc = goal_findings_judge(l, tm, &goals);
	}
	if (rc < 0) {
		fprintf(stderr, "hybridns lab check: lint: %s\n", hns_strerror(rc));
		goto out;
	}
	held += (size_t)rc;
	if (held == goals) {
		printf("all %zu %s: lab %s solved\n", goals, HNS_PLURAL(goals, "goal holds", "goals hold"),
		       l->name);
		status = HNS_EXIT_OK;
	} else {
		printf("%zu of %zu %s: not solved yet (`hybridns lab hint %s`)\n", held, goals,
		       HNS_PLURAL(goals, "goal holds", "goals hold"), l->name);
		status = HNS_EXIT_FAILED;
	}
out:
	free(res);
	lab_doc_deinit(&tdoc);
	lab_doc_deinit(&ddoc);
	model_free(dm);
	model_free(tm);
	free(text);
	return status;
}

int
cmd_lab(int argc, char **argv)
{
	const struct lab *l;
	const char *verb = argc > 1 ? argv[1] : NULL;
	/* How many arguments each verb takes after LAB: [min, max]. */
	int nargs = argc - 3;

	if (verb == NULL) {
		fputs(cmd_lab_usage, stderr);
		return HNS_EXIT_USAGE;
	}
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		fputs(cmd_lab_usage, stdout);
		return HNS_EXIT_OK;
	}
	if (strcmp(verb, "list") == 0) {
		if (argc != 2)
			goto usage;
		return lab_list();
	}
	if (argc < 3 || (strcmp(verb, "show") != 0 && strcmp(verb, "hint") != 0 &&
			 strcmp(verb, "start") != 0 && strcmp(verb, "check") != 0))
		goto usage;
	if ((l = lab_get(argv[2])) == NULL)
		return HNS_EXIT_USAGE;
	if (strcmp(verb, "show") == 0 && nargs == 0)
		return lab_show(l);
	if (strcmp(verb, "hint") == 0 && nargs <= 1)
		return lab_hint(l, nargs ? argv[3] : NULL);
	if (strcmp(verb, "start") == 0 && nargs <= 1)
		return lab_start(l, nargs ? argv[3] : NULL);
	if (strcmp(verb, "check") == 0 && nargs == 1)
		return lab_check(l, argv[3]);
usage:
	fprintf(stderr, "hybridns lab: bad arguments\n%s", cmd_lab_usage);
	return HNS_EXIT_USAGE;
}
