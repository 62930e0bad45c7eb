/* --format of ls, ps and services; see cli/listfmt.h. */
#include "cli/listfmt.h"

#include "cli/cli.h"
#include "base/sbuf.h"
#include "base/utf8.h"
#include "base/xalloc.h"
#include "swarm/stack.h"

#include <stdlib.h>
#include <string.h>

/* ps indents older tasks of a slot only in tables */
#define PS_INDENT " \\_ "

static const struct list_field *field_named(const struct list_format *f, const char *name,
					    size_t len, size_t *col)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (strlen(f->fields[i].name) == len && !memcmp(f->fields[i].name, name, len)) {
			*col = i;
			return &f->fields[i];
		}
	return NULL;
}

/* The action between {{ and }}, without the spaces around it. */
static void action_text(const char **s, size_t *len)
{
	while (*len && **s == ' ') {
		(*s)++;
		(*len)--;
	}
	while (*len && (*s)[*len - 1] == ' ')
		(*len)--;
}

static int is_json_action(const char *s, size_t len)
{
	return len == 6 && !memcmp(s, "json .", 6);
}

static int bad_action(const struct list_format *f, const char *cmd, const char *s, size_t len)
{
	struct sbuf names = SBUF_INIT;
	for (size_t i = 0; i < f->nfields; i++)
		sb_printf(&names, "%s{{.%s}}", i ? ", " : "", f->fields[i].name);
	usage_error(cmd, "--format: unknown template action '{{%.*s}}' (%s knows %s and {{json .}})",
		    (int)len, s, cmd, names.buf);
	sbuf_release(&names);
	return OPTIONS_USAGE;
}

/* docker's preFormat: the escapes \t and \n of the text become a tab and a newline */
static char *unescape(const char *s)
{
	struct sbuf sb = SBUF_INIT;
	for (; *s; s++) {
		if (s[0] == '\\' && (s[1] == 't' || s[1] == 'n')) {
			sb_putc(&sb, s[1] == 't' ? '\t' : '\n');
			s++;
		} else {
			sb_putc(&sb, *s);
		}
	}
	return sbuf_detach(&sb, NULL);
}

int list_format_parse(struct list_format *f, const char *cmd, const char *spec,
		      const struct list_field *fields, size_t nfields)
{
	memset(f, 0, sizeof(*f));
	f->fields = fields;
	f->nfields = nfields;
	f->kind = LIST_TABLE;
	if (!spec || !*spec || !strcmp(spec, "table"))
		return 0;
	if (!strcmp(spec, "json")) {
		f->kind = LIST_JSON;
		return 0;
	}
	f->kind = LIST_TEMPLATE;
	if (!strncmp(spec, "table", 5)) {
		f->table = 1;
		spec += 5;
	}
	spec += strspn(spec, " ");
	f->text = unescape(spec);
	size_t n = strlen(f->text);
	while (n && f->text[n - 1] == ' ')
		f->text[--n] = '\0';
	for (const char *p = f->text; (p = strstr(p, "{{"));) {
		const char *end = strstr(p + 2, "}}"), *a = p + 2;
		size_t len, col;
		if (!end) {
			usage_error(cmd, "--format: '{{' without '}}' in the template");
			return OPTIONS_USAGE;
		}
		len = (size_t)(end - a);
		action_text(&a, &len);
		if (!is_json_action(a, len) && !(len > 1 && a[0] == '.' && field_named(f, a + 1, len - 1, &col)))
			return bad_action(f, cmd, a, len);
		p = end + 2;
	}
	return 0;
}

int list_format_is_default(const struct list_format *f)
{
	return f->kind == LIST_TABLE;
}

void list_format_release(struct list_format *f)
{
	free(f->text);
	f->text = NULL;
}

/* encoding/json's string: <, >, & and U+2028/9 escaped too; invalid UTF-8 as U+FFFD */
static void put_go_json_string(struct sbuf *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);
	sb_putc(out, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t w = utf8_decode(s + i, n - i, &cp);
			if (!w)
				sb_puts(out, "\\ufffd");
			else if (cp == 0x2028 || cp == 0x2029)
				sb_printf(out, "\\u%04x", (unsigned)cp);
			else
				sb_put(out, s + i, w);
			i += w ? w : 1;
			continue;
		}
		if (c == '"' || c == '\\')
			sb_printf(out, "\\%c", c);
		else if (c == '\n')
			sb_puts(out, "\\n");
		else if (c == '\r')
			sb_puts(out, "\\r");
		else if (c == '\t')
			sb_puts(out, "\\t");
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			sb_printf(out, "\\u%04x", c);
		else
			sb_putc(out, c);
		i++;
	}
	sb_putc(out, '"');
}

static int by_field_name(const void *a, const void *b)
{
	return strcmp((*(const struct list_field *const *)a)->name,
		      (*(const struct list_field *const *)b)->name);
}

/* The value of column col in row: a ps name without its table indent. */
static const char *cell(const struct list_format *f, char **row, size_t col)
{
	const char *v = row[col];
	if (!strcmp(f->fields[col].name, "Name") && !strncmp(v, PS_INDENT, strlen(PS_INDENT)) &&
	    !(f->kind == LIST_TEMPLATE && f->table))
		v += strlen(PS_INDENT);
	return v;
}

/* One row as docker's MarshalJSON: every field a string, keys sorted, no spaces. */
static void put_json_row(struct sbuf *out, const struct list_format *f, char **row)
{
	const struct list_field **v = xmalloc(f->nfields * sizeof(*v));
	for (size_t i = 0; i < f->nfields; i++)
		v[i] = &f->fields[i];
	qsort(v, f->nfields, sizeof(*v), by_field_name);
	int first = 1;
	for (size_t i = 0; i < f->nfields; i++) {
		if (!v[i]->in_json)
			continue;
		sb_putc(out, first ? '{' : ',');
		first = 0;
		put_go_json_string(out, v[i]->name);
		sb_putc(out, ':');
		put_go_json_string(out, cell(f, row, (size_t)(v[i] - f->fields)));
	}
	sb_puts(out, first ? "{}" : "}");
	free(v);
}

/* The template for one row (or the header row: is_header). */
static void render(struct sbuf *out, const struct list_format *f, char **row, int is_header)
{
	const char *p = f->text;
	for (const char *open; (open = strstr(p, "{{"));) {
		const char *end = strstr(open + 2, "}}"), *a = open + 2;
		size_t len = (size_t)(end - a), col = 0;
		sb_put(out, p, (size_t)(open - p));
		action_text(&a, &len);
		if (is_json_action(a, len)) {
			if (!is_header)
				put_json_row(out, f, row);
		} else {
			field_named(f, a + 1, len - 1, &col);
			sb_puts(out, is_header ? row[col] : cell(f, row, col));
		}
		p = end + 2;
	}
	sb_puts(out, p);
}

/* A table template: each rendered row split at tabs into the cells of an aligned table. */
static void print_table_template(const struct list_format *f, const struct stack_table *t,
				 size_t nrows, FILE *out)
{
	struct sbuf line = SBUF_INIT;
	struct stack_table cells;
	size_t ncols = 0;
	for (size_t r = 0; r < nrows; r++) {
		sbuf_reset(&line);
		render(&line, f, t->cells + r * f->nfields, r == 0);
		if (r == 0) {
			for (const char *p = line.buf; (p = strchr(p, '\t')); p++)
				ncols++;
			stack_table_init(&cells, ++ncols);
		}
		/* a value holding a tab would shift its row: the extra cells join the last */
		const char *p = line.buf;
		for (size_t c = 0; c < ncols; c++) {
			size_t len = c + 1 < ncols ? strcspn(p, "\t") : strlen(p);
			char *one = xstrndup(p, len);
			stack_table_add(&cells, one);
			free(one);
			p += len + (p[len] == '\t');
		}
	}
	if (nrows)
		stack_table_print(&cells, out);
	if (nrows)
		stack_table_release(&cells);
	sbuf_release(&line);
}

void list_format_print(const struct list_format *f, const struct stack_table *t, FILE *out)
{
	size_t nrows = t->ncols ? t->nr / t->ncols : 0;
	if (f->kind == LIST_TABLE) {
		stack_table_print(t, out);
		return;
	}
	if (f->kind == LIST_TEMPLATE && f->table) {
		print_table_template(f, t, nrows, out);
		return;
	}
	struct sbuf line = SBUF_INIT;
	for (size_t r = 1; r < nrows; r++) {
		sbuf_reset(&line);
		if (f->kind == LIST_JSON)
			put_json_row(&line, f, t->cells + r * f->nfields);
		else
			render(&line, f, t->cells + r * f->nfields, 0);
		sb_putc(&line, '\n');
		fwrite(line.buf, 1, line.len, out);
	}
	sbuf_release(&line);
}

int list_cmd_parse(int *status, const char **stack, struct list_format *f, struct stack_table *t,
		   const struct list_field *fields, size_t nfields, const char *const *format,
		   int *quiet, struct engine_cmd *c, const struct command_help *help,
		   const struct opt *opts, enum stack_args want, int argc, char **argv)
{
	memset(f, 0, sizeof(*f));
	stack_table_init(t, nfields);
	int ret = engine_cmd_parse(c, help, opts, want, argc, argv);
	if (!ret)
		ret = list_format_parse(f, help->name, *format, fields, nfields);
	if (quiet && !list_format_is_default(f))
		*quiet = 0;
	*stack = !ret && c->nstacks ? c->stacks[0] : NULL;
	*status = ret ? options_exit_status(ret) : 0;
	return ret != 0;
}
