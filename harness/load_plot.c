/*
 * harness/load_plot.c -- the SVG plots of a load run.  See load_plot.h.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/error.h"
#include "common/plural.h"
#include "harness/load_plot.h"

#define PLOT_W 860
#define PLOT_H 420
#define PLOT_L 70  /* left margin */
#define PLOT_R 70  /* right margin */
#define PLOT_T 50  /* top margin */
#define PLOT_B 60  /* bottom margin */
#define PLOT_MAX_NINES 6 /* the percentile plot reaches 99.9999% at most */

struct frame {
	double x0, x1, y0, y1; /* data ranges */
};

static double
px(const struct frame *f, double x)
{
	return PLOT_L + (x - f->x0) / (f->x1 - f->x0) * (PLOT_W - PLOT_L - PLOT_R);
}

static double
py(const struct frame *f, double y)
{
	return PLOT_H - PLOT_B - (y - f->y0) / (f->y1 - f->y0) * (PLOT_H - PLOT_T - PLOT_B);
}

/* The smallest 1, 2 or 5 times a power of ten at or above v (1 for v <= 0). */
static double
nice_ceil(double v)
{
	double p;

	if (!(v > 0))
		return 1;
	p = pow(10, floor(log10(v)));
	if (v <= p)
		return p;
	if (v <= 2 * p)
		return 2 * p;
	if (v <= 5 * p)
		return 5 * p;
	return 10 * p;
}

/* The top of an axis of 5 grid steps, each a 1, 2 or 5 times a power of ten. */
static double
axis_top(double v)
{
	double step = nice_ceil(v / 5);

	return step * fmax(ceil(v / step - 1e-9), 1);
}

static void
xml_text(FILE *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

static void
svg_begin(FILE *out, const char *title, const char *what)
{
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		     "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
		     "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		PLOT_W, PLOT_H, PLOT_W, PLOT_H);
	fprintf(out, "<title>");
	xml_text(out, title);
	fprintf(out, ": %s</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", what);
	fprintf(out, "<text x=\"%d\" y=\"24\" font-size=\"15\">", PLOT_L);
	xml_text(out, title);
	fprintf(out, " \xe2\x80\x94 %s</text>\n", what);
}

/* Axes, a grid of 5 steps on y (left: f, right: g when not NULL) and the axis labels. */
static void
svg_axes(FILE *out, const struct frame *f, const struct frame *g, const char *ylab, const char *glab)
{
	double xa = PLOT_L, xb = PLOT_W - PLOT_R, ya = PLOT_T, yb = PLOT_H - PLOT_B;

	fprintf(out, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#444\"/>\n", xa,
		ya, xb - xa, yb - ya);
	for (int i = 0; i <= 5; i++) {
		double v = f->y0 + (f->y1 - f->y0) * i / 5, y = py(f, v);

		fprintf(out, "<line x1=\"%g\" y1=\"%.1f\" x2=\"%g\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", xa, y, xb, y);
		fprintf(out, "<text x=\"%g\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", xa - 6, y + 4, v);
		if (g != NULL)
			fprintf(out, "<text x=\"%g\" y=\"%.1f\">%g</text>\n", xb + 6, y + 4,
				g->y0 + (g->y1 - g->y0) * i / 5);
	}
	fprintf(out, "<text transform=\"translate(16 %g) rotate(-90)\" text-anchor=\"middle\">%s</text>\n",
		(ya + yb) / 2, ylab);
	if (glab != NULL)
		fprintf(out, "<text transform=\"translate(%d %g) rotate(90)\" text-anchor=\"middle\">%s</text>\n",
			PLOT_W - 14, (ya + yb) / 2, glab);
}

static void
svg_legend(FILE *out, int i, const char *color, const char *text, bool dashed)
{
	double x = PLOT_L + 10 + i * 150, y = PLOT_H - 18;

	fprintf(out, "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", x,
		y - 4, x + 24, y - 4, color, dashed ? " stroke-dasharray=\"5 3\"" : "");
	fprintf(out, "<text x=\"%g\" y=\"%g\">%s</text>\n", x + 30, y, text);
}

/* A polyline of n points, y from get(i); x at the middle of second i. */
static void
svg_series(FILE *out, const struct frame *f, const struct lg_result *res,
	   double (*get)(const struct lg_second *), const char *color, bool dashed)
{
	fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", color,
		dashed ? " stroke-dasharray=\"5 3\"" : "");
	for (size_t i = 0; i < res->n_seconds; i++)
		fprintf(out, "%s%.1f,%.1f", i ? " " : "", px(f, (double)i + 0.5),
			py(f, fmin(get(&res->seconds[i]), f->y1)));
	fprintf(out, "\"/>\n");
}

static double get_sent(const struct lg_second *s) { return (double)s->sent; }
static double get_answered(const struct lg_second *s) { return (double)s->answered; }
static double get_p50(const struct lg_second *s) { return (double)hns_hist_quantile(&s->hist, 0.5) / 1e6; }
static double get_p99(const struct lg_second *s) { return (double)hns_hist_quantile(&s->hist, 0.99) / 1e6; }

static void
timeline_events(FILE *out, const struct frame *f, const struct load_plot_info *info)
{
	for (size_t i = 0; i < info->n_events; i++) {
		const struct load_plot_event *e = &info->events[i];
		double x = px(f, fmin(e->at_s, f->x1));

		fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" stroke-dasharray=\"3 3\"/>\n",
			x, PLOT_T, x, PLOT_H - PLOT_B);
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" fill=\"#c00\">", x + 3, PLOT_T + 14 + 14 * (int)(i % 4));
		xml_text(out, e->text);
		fprintf(out, "%s</text>\n", e->applied ? "" : " (not applied)");
	}
}

static void
plot_timeline(FILE *out, const struct lg_result *res, const struct load_plot_info *info)
{
	struct frame f = { 0, res->n_seconds ? (double)res->n_seconds : 1, 0, 1 }, g = f;

	for (size_t i = 0; i < res->n_seconds; i++) {
		f.y1 = fmax(f.y1, fmax(get_sent(&res->seconds[i]), get_answered(&res->seconds[i])));
		g.y1 = fmax(g.y1, get_p99(&res->seconds[i]));
	}
	f.y1 = axis_top(f.y1 * 1.05);
	g.y1 = axis_top(g.y1 * 1.05);
	svg_begin(out, info->title, "rate and latency per second");
	svg_axes(out, &f, &g, "queries per second (by second sent)", "latency ms");
	for (size_t i = 0; i <= res->n_seconds; i += res->n_seconds > 20 ? res->n_seconds / 10 : 1)
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%zus</text>\n", px(&f, (double)i),
			PLOT_H - PLOT_B + 16, i);
	svg_series(out, &f, res, get_sent, "#888", false);
	svg_series(out, &f, res, get_answered, "#1f77b4", false);
	svg_series(out, &g, res, get_p50, "#2ca02c", true);
	svg_series(out, &g, res, get_p99, "#ff7f0e", true);
	timeline_events(out, &f, info);
	svg_legend(out, 0, "#888", "sent/s", false);
	svg_legend(out, 1, "#1f77b4", "answered/s", false);
	svg_legend(out, 2, "#2ca02c", "p50 ms (right)", true);
	svg_legend(out, 3, "#ff7f0e", "p99 ms (right)", true);
}

/* One percentile curve: 201 points from 0 to f->x1 nines. */
static void
percentile_curve(FILE *out, const struct frame *f, const struct hns_hist *h, const char *color, bool dashed)
{
	if (h->count == 0)
		return;
	fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", color,
		dashed ? " stroke-dasharray=\"5 3\"" : "");
	for (int i = 0; i <= 200; i++) {
		double x = f->x1 * i / 200, q = fmax(1 - pow(10, -x), 1e-9);

		fprintf(out, "%s%.1f,%.1f", i ? " " : "", px(f, x),
			py(f, fmin((double)hns_hist_quantile(h, fmin(q, 1.0)) / 1e6, f->y1)));
	}
	fprintf(out, "\"/>\n");
}

/* HDR-style: x = log10(1 / (1 - q)), so 90%, 99%, 99.9% ... are evenly spaced. */
static void
plot_percentiles(FILE *out, const struct lg_result *res, const struct load_plot_info *info)
{
	const struct hns_hist *h = &res->response;
	double nines = h->count > 1 ? fmin(floor(log10((double)h->count)), PLOT_MAX_NINES) : 1;
	double top = fmax((double)h->max_ns, (double)res->service.max_ns) / 1e6;
	struct frame f = { 0, fmax(nines, 1), 0, axis_top(top * 1.05) };
	static const char *const ticks[] = { "0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%" };

	svg_begin(out, info->title, "latency by percentile");
	svg_axes(out, &f, NULL, "latency ms", NULL);
	for (int i = 0; i <= (int)f.x1; i++)
		fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", px(&f, i),
			PLOT_H - PLOT_B + 16, ticks[i]);
	fprintf(out, "<text x=\"%g\" y=\"%d\" text-anchor=\"middle\">percentile (log scale of 1/(1-q))</text>\n",
		(PLOT_L + PLOT_W - PLOT_R) / 2.0, PLOT_H - PLOT_B + 32);
	percentile_curve(out, &f, h, "#1f77b4", false);
	percentile_curve(out, &f, &res->service, "#2ca02c", true);
	fprintf(out, "<text x=\"%d\" y=\"%d\">%llu %s, max %.3f ms</text>\n", PLOT_L + 10, PLOT_T + 16,
		(unsigned long long)h->count, HNS_PLURAL(h->count, "answer", "answers"), (double)h->max_ns / 1e6);
	svg_legend(out, 0, "#1f77b4", "response time", false);
	svg_legend(out, 1, "#2ca02c", "service time", true);
}

int
load_plot_write_svg(FILE *out, const struct lg_result *res, enum load_plot_kind kind,
		    const struct load_plot_info *info)
{
	if (kind == LOAD_PLOT_TIMELINE)
		plot_timeline(out, res, info);
	else
		plot_percentiles(out, res, info);
	fprintf(out, "</svg>\n");
	return ferror(out) ? HNS_EINVAL : 0;
}

int
load_plot_write_dir(const char *dir, const char *name, const struct lg_result *res,
		    const struct load_plot_info *info)
{
	static const char *const suffix[] = { "timeline", "latency" };
	char path[4096];

	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "hybridns load: --plot %s: %s\n", dir, strerror(errno));
		return HNS_EACCES;
	}
	for (int k = 0; k < 2; k++) {
		FILE *f;
		int rc;

		snprintf(path, sizeof(path), "%s/%s-%s.svg", dir, name, suffix[k]);
		if ((f = fopen(path, "w")) == NULL) {
			fprintf(stderr, "hybridns load: --plot: %s: %s\n", path, strerror(errno));
			return HNS_EACCES;
		}
		rc = load_plot_write_svg(f, res, k == 0 ? LOAD_PLOT_TIMELINE : LOAD_PLOT_PERCENTILES, info);
		if (fclose(f) != 0 || rc != 0) {
			fprintf(stderr, "hybridns load: --plot: cannot write %s\n", path);
			return HNS_EINVAL;
		}
	}
	return 0;
}
