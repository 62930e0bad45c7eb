/* The diagnostic sink: collect, sort, print. */
#include "base/diag.h"
#include "base/term.h"
#include "base/arena.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(struct diag_sink *d, struct arena *arena, const struct source_table *sources)
{
	memset(d, 0, sizeof(*d));
	d->arena = arena;
	d->sources = sources;
}

void diag_release(struct diag_sink *d)
{
	free(d->v);
	d->v = NULL;
	d->n = d->alloc = 0;
}

__attribute__((format(printf, 6, 0)))
static int vadd(struct diag_sink *d, enum diag_severity sev, const char *rule,
		struct pos pos, const char *path, const char *fmt, va_list ap)
{
	if (sev == DIAG_ERROR)
		d->nerrors++;
	else if (sev == DIAG_WARNING)
		d->nwarnings++;
	if (sev == DIAG_ERROR && d->max_errors && d->nerrors > d->max_errors)
		return -1;
	ALLOC_GROW(d->v, d->n + 1, d->alloc);
	struct diag *g = &d->v[d->n];
	g->severity = sev;
	g->flags = 0;
	g->pos = pos;
	g->path = path && *path ? arena_strdup(d->arena, path) : NULL;
	g->rule = rule;
	g->message = arena_vfmt(d->arena, fmt, ap);
	g->seq = d->n;
	g->group = g->seq;
	if (sev == DIAG_NOTE && d->n)
		g->group = d->v[d->n - 1].group;
	d->n++;
	return -1;
}

int diag_add(struct diag_sink *d, enum diag_severity sev, const char *rule,
	     struct pos pos, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(d, sev, rule, pos, path, fmt, ap);
	va_end(ap);
	return -1;
}

void diag_set_flags(struct diag_sink *d, unsigned flags)
{
	if (d->n)
		d->v[d->n - 1].flags |= flags;
}

void diag_demote_since(struct diag_sink *d, size_t since)
{
	for (size_t i = since; i < d->n; i++) {
		if (d->v[i].severity != DIAG_ERROR)
			continue;
		d->v[i].severity = DIAG_WARNING;
		d->nerrors--;
		d->nwarnings++;
	}
}

int diag_failed(const struct diag_sink *d)
{
	return d->nerrors > 0 || (d->strict && d->nwarnings > 0);
}

/* Sort key: the owning diagnostic's position, then emission order. */
static const struct diag *sort_base;
static int cmp_pos(struct pos a, struct pos b)
{
	/* positionless diagnostics first: they are about the whole run */
	if (a.src != b.src)
		return a.src < b.src ? -1 : 1;
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	if (a.col != b.col)
		return a.col < b.col ? -1 : 1;
	return 0;
}
static int cmp_diag(const void *pa, const void *pb)
{
	const struct diag *a = pa, *b = pb;
	const struct diag *ga = &sort_base[a->group], *gb = &sort_base[b->group];
	int c = cmp_pos(ga->pos, gb->pos);
	if (c)
		return c;
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static const char *sev_name(enum diag_severity s)
{
	static const char *const names[] = { [DIAG_ERROR] = "error", [DIAG_WARNING] = "warning",
					     [DIAG_NOTE] = "note", [DIAG_INFO] = "info" };
	return names[s];
}

/* Control characters in messages would drive the terminal: escape them. */
static void put_clean(struct sbuf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			sb_printf(out, "\\x%02x", c);
		else
			sb_putc(out, c);
	}
}

static void put_json_str(struct sbuf *out, const char *s)
{
	sb_putc(out, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			sb_printf(out, "\\%c", c);
		else if (c == '\n')
			sb_puts(out, "\\n");
		else if (c < 0x20 || c == 0x7f)
			sb_printf(out, "\\u%04x", c);
		else
			sb_putc(out, c);
	}
	sb_putc(out, '"');
}

/* GitHub annotations: %, CR, LF are escaped in the message; also , and : in properties. */
static void put_gh(struct sbuf *out, const char *s, int prop)
{
	for (; s && *s; s++) {
		if (*s == '%')
			sb_puts(out, "%25");
		else if (*s == '\r')
			sb_puts(out, "%0D");
		else if (*s == '\n')
			sb_puts(out, "%0A");
		else if (prop && *s == ':')
			sb_puts(out, "%3A");
		else if (prop && *s == ',')
			sb_puts(out, "%2C");
		else
			sb_putc(out, *s);
	}
}

void diag_print(struct diag_sink *d, FILE *out, enum diag_format fmt, int excerpts)
{
	sort_base = d->v;
	struct diag *sorted = xmalloc((d->n ? d->n : 1) * sizeof(*sorted));
	if (d->n)
		memcpy(sorted, d->v, d->n * sizeof(*sorted));
	qsort(sorted, d->n, sizeof(*sorted), cmp_diag);
	struct sbuf sb = SBUF_INIT;
	if (fmt == DIAG_FORMAT_JSON)
		sb_putc(&sb, '[');
	int first = 1;
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &sorted[i];
		const struct source *src = source_get(d->sources, g->pos.src);
		const char *sev = sev_name(g->severity);
		if (g->severity == DIAG_WARNING && d->strict)
			sev = "error";
		switch (fmt) {
		case DIAG_FORMAT_JSON:
			sb_puts(&sb, first ? "\n  {" : ",\n  {");
			first = 0;
			sb_puts(&sb, "\"file\": ");
			if (src)
				put_json_str(&sb, src->name);
			else
				sb_puts(&sb, "null");
			sb_printf(&sb, ", \"line\": %u, \"col\": %u, \"path\": ", (unsigned)g->pos.line,
				  (unsigned)g->pos.col);
			if (g->path)
				put_json_str(&sb, g->path);
			else
				sb_puts(&sb, "null");
			sb_puts(&sb, ", \"severity\": ");
			put_json_str(&sb, sev);
			sb_puts(&sb, ", \"rule\": ");
			if (g->rule)
				put_json_str(&sb, g->rule);
			else
				sb_puts(&sb, "null");
			sb_puts(&sb, ", \"message\": ");
			put_json_str(&sb, g->message);
			sb_putc(&sb, '}');
			break;
		case DIAG_FORMAT_GITHUB:
			sb_printf(&sb, "::%s", g->severity >= DIAG_NOTE ? "notice" : sev);
			if (src) {
				sb_puts(&sb, " file=");
				put_gh(&sb, src->name, 1);
				if (g->pos.line)
					sb_printf(&sb, ",line=%u,col=%u", (unsigned)g->pos.line,
						  (unsigned)g->pos.col);
			}
			if (g->rule) {
				sb_puts(&sb, src ? ",title=" : " title=");
				put_gh(&sb, g->rule, 1);
			}
			sb_puts(&sb, "::");
			if (g->path) {
				put_gh(&sb, g->path, 0);
				sb_puts(&sb, ": ");
			}
			put_gh(&sb, g->message, 0);
			sb_putc(&sb, '\n');
			break;
		case DIAG_FORMAT_HUMAN:
			if (src && g->pos.line)
				sb_printf(&sb, "%s:%u:%u: ", src->name, (unsigned)g->pos.line,
					  (unsigned)g->pos.col);
			else if (src)
				sb_printf(&sb, "%s: ", src->name);
			else
				sb_puts(&sb, "stackc: ");
			if (d->color)
				sb_printf(&sb, "%s%s:%s ", *sev == 'e' ? TERM_RED : *sev == 'w' ? TERM_YELLOW
								: TERM_CYAN, sev, TERM_RESET);
			else
				sb_printf(&sb, "%s: ", sev);
			if (g->path) {
				put_clean(&sb, g->path);
				sb_puts(&sb, ": ");
			}
			put_clean(&sb, g->message);
			sb_putc(&sb, '\n');
			if ((g->flags & DIAG_F_EXCERPT) ||
			    (excerpts && g->severity == DIAG_ERROR))
				source_excerpt(&sb, d->sources, g->pos);
			break;
		}
	}
	if (fmt == DIAG_FORMAT_JSON)
		sb_puts(&sb, d->n ? "\n]\n" : "]\n");
	fwrite(sb.buf, 1, sb.len, out);
	fflush(out);
	sbuf_release(&sb);
	free(sorted);
}

static const char *repr_cut(struct diag_sink *d, const char *s, size_t n, size_t max)
{
	struct sbuf sb = SBUF_INIT;
	sb_repr(&sb, s, n, max);
	const char *r = arena_strndup(d->arena, sb.buf, sb.len);
	sbuf_release(&sb);
	return r;
}

const char *diag_repr(struct diag_sink *d, const char *s, size_t n)
{
	return repr_cut(d, s, n, 60);
}

const char *diag_repr_all(struct diag_sink *d, const char *s, size_t n)
{
	return repr_cut(d, s, n, 0);
}
