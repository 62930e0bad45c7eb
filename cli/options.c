/* The option parser and help printer of every command; see cli/options.h. */
#include "cli/options.h"

#include "cli/cli.h"
#include "cli/complete.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Rows whose option column is wider than this put their help on the next line. */
#define HELP_COLUMN_MAX 30

static int takes_value(const struct opt *o)
{
	return o->kind != OPT_FLAG;
}

const struct opt *options_find_long(const struct opt *opts, const char *name, size_t len)
{
	for (const struct opt *o = opts; o->kind != OPT_END; o++)
		if (o->long_name && strlen(o->long_name) == len && !memcmp(o->long_name, name, len))
			return o;
	return NULL;
}

const struct opt *options_find_short(const struct opt *opts, char c)
{
	for (const struct opt *o = opts; o->kind != OPT_END; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

/* Whether a (alen bytes) becomes b by one insertion, deletion, change or swap of neighbours. */
static int one_typo_apart(const char *a, size_t alen, const char *b)
{
	size_t blen = strlen(b), i = 0;
	if (alen + 1 < blen || blen + 1 < alen)
		return 0;
	while (i < alen && i < blen && a[i] == b[i])
		i++;
	if (alen == blen) {
		if (i == alen)
			return 0; /* equal: not a typo */
		if (i + 1 < alen && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    !memcmp(a + i + 2, b + i + 2, alen - i - 2))
			return 1;
		return !memcmp(a + i + 1, b + i + 1, alen - i - 1);
	}
	if (alen > blen) /* a has one byte more: skip it */
		return !memcmp(a + i + 1, b + i, blen - i);
	return !memcmp(a + i, b + i + 1, alen - i);
}

/* The long option a mistyped name probably meant: one typo away, else the only one it begins. */
static const char *near_long(const struct opt *opts, const char *name, size_t len)
{
	const char *prefix_of = NULL;
	int prefixes = 0;
	if (one_typo_apart(name, len, "help"))
		return "help";
	for (const struct opt *o = opts; o->kind != OPT_END; o++) {
		if (!o->long_name)
			continue;
		if (one_typo_apart(name, len, o->long_name))
			return o->long_name;
		if (len >= 2 && !strncmp(o->long_name, name, len)) {
			prefix_of = o->long_name;
			prefixes++;
		}
	}
	if (len >= 2 && !strncmp("help", name, len))
		return prefixes ? NULL : "help";
	return prefixes == 1 ? prefix_of : NULL;
}

static int unknown_long(const struct command_help *help, const struct opt *opts,
			const char *name, size_t len)
{
	const char *near = near_long(opts, name, len);
	if (near)
		usage_error(help->name, "unknown option '--%.*s' (did you mean '--%s'?)", (int)len,
			    name, near);
	else
		usage_error(help->name, "unknown option '--%.*s'", (int)len, name);
	return OPTIONS_USAGE;
}

/* "-format" when --format exists: the user meant the long option. */
static int unknown_short(const struct command_help *help, const struct opt *opts, char c,
			 const char *cluster)
{
	size_t len = strcspn(cluster, "=");
	if (len > 1 && options_find_long(opts, cluster, len))
		usage_error(help->name, "unknown option '-%c' (did you mean '--%.*s'?)", c, (int)len,
			    cluster);
	else
		usage_error(help->name, "unknown option '-%c'", c);
	return OPTIONS_USAGE;
}

static int missing_value(const struct command_help *help, const char *spelled)
{
	usage_error(help->name, "option '%s' needs a value", spelled);
	return OPTIONS_USAGE;
}

/* "yaml or json", "always, changed or never" */
static void join_choices(struct sbuf *out, const struct opt_choice *c, const char *sep,
			 const char *last_sep)
{
	for (size_t i = 0; c[i].name; i++) {
		if (i)
			sb_puts(out, c[i + 1].name ? sep : last_sep);
		sb_puts(out, c[i].name);
	}
}

static int bad_value(const struct command_help *help, const char *spelled, const char *value,
		     const char *expects)
{
	usage_error(help->name, "%s takes %s, not '%s'", spelled, expects, value);
	return OPTIONS_USAGE;
}

/* Store one option's value (NULL for a flag given without =value): 0 or OPTIONS_USAGE. */
static int apply(const struct command_help *help, const struct opt *o, const char *spelled,
		 const char *value)
{
	switch (o->kind) {
	case OPT_FLAG:
		if (!value || !strcmp(value, "true"))
			*(int *)o->store = o->value;
		else if (!strcmp(value, "false"))
			*(int *)o->store = 0;
		else
			return bad_value(help, spelled, value, "true or false");
		return 0;
	case OPT_STRING:
		*(const char **)o->store = value;
		return 0;
	case OPT_INT: {
		char *end;
		errno = 0;
		long n = strtol(value, &end, 10);
		if (*value < '0' || *value > '9' || *end || errno)
			return bad_value(help, spelled, value, "a number >= 0");
		*(long *)o->store = n;
		return 0;
	}
	case OPT_ENUM:
		for (const struct opt_choice *c = o->choices; c->name; c++)
			if (!strcmp(c->name, value)) {
				*(int *)o->store = c->value;
				return 0;
			}
		struct sbuf expects = SBUF_INIT;
		join_choices(&expects, o->choices, ", ", " or ");
		int ret = bad_value(help, spelled, value, expects.buf);
		sbuf_release(&expects);
		return ret;
	case OPT_CALLBACK:
		if (o->fn(o->store, value))
			return bad_value(help, spelled, value, o->expects);
		return 0;
	case OPT_END:
		break;
	}
	BUG("option kind %d", (int)o->kind);
}

/* --name, --name=value, --name value; *i is at the option's argument. */
static int parse_long(const struct command_help *help, const struct opt *opts, int argc,
		      char **argv, int *i)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o = options_find_long(opts, name, len);
	if (!o) {
		if (len == 4 && !memcmp(name, "help", 4) && !eq) {
			options_print_help(stdout, help, opts);
			return OPTIONS_HELP;
		}
		return unknown_long(help, opts, name, len);
	}
	char spelled[128];
	snprintf(spelled, sizeof(spelled), "--%s", o->long_name);
	const char *value = eq ? eq + 1 : NULL;
	if (!value && takes_value(o)) {
		if (*i + 1 >= argc)
			return missing_value(help, spelled);
		value = argv[++*i];
	}
	return apply(help, o, spelled, value);
}

/* -x, -xy (flags), -xVALUE, -x VALUE; *i is at the option's argument. */
static int parse_short(const struct command_help *help, const struct opt *opts, int argc,
		       char **argv, int *i)
{
	const char *cluster = argv[*i] + 1;
	for (const char *p = cluster; *p; p++) {
		const struct opt *o = options_find_short(opts, *p);
		if (!o) {
			if (*p == 'h') {
				options_print_help(stdout, help, opts);
				return OPTIONS_HELP;
			}
			return unknown_short(help, opts, *p, cluster);
		}
		char spelled[3] = { '-', *p, '\0' };
		if (!takes_value(o)) {
			apply(help, o, spelled, NULL); /* a flag without a value cannot fail */
			continue;
		}
		const char *value = p + 1;
		if (!*value) {
			if (*i + 1 >= argc)
				return missing_value(help, spelled);
			value = argv[++*i];
		}
		return apply(help, o, spelled, value);
	}
	return 0;
}

int options_parse(int *nargs, char **argv, int argc, const struct command_help *help,
		  const struct opt *opts)
{
	int n = 0, only_args = 0;
	*nargs = 0;
	if (complete_request)
		return complete_command(help, opts);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r = 0;
		if (only_args || a[0] != '-' || !a[1]) {
			argv[n++] = argv[i]; /* n < i: that slot was read already */
			continue;
		}
		if (a[1] == '-' && !a[2])
			only_args = 1;
		else if (a[1] == '-')
			r = parse_long(help, opts, argc, argv, &i);
		else
			r = parse_short(help, opts, argc, argv, &i);
		if (r)
			return r;
	}
	*nargs = n;
	return 0;
}

int options_exit_status(int parse_result)
{
	return parse_result == OPTIONS_HELP ? 0 : EXIT_USAGE;
}

/* "  -f, --file FILE", "      --debug" */
static void option_column(struct sbuf *out, const struct opt *o)
{
	if (o->short_name)
		sb_printf(out, "  -%c%s", o->short_name, o->long_name ? ", " : "");
	else
		sb_puts(out, "      ");
	if (o->long_name)
		sb_printf(out, "--%s", o->long_name);
	if (!takes_value(o))
		return;
	sb_putc(out, ' ');
	if (o->value_name)
		sb_puts(out, o->value_name);
	else if (o->kind == OPT_ENUM)
		join_choices(out, o->choices, "|", "|");
	else
		BUG("option --%s needs a value name", o->long_name ? o->long_name : "");
}

static void print_row(FILE *out, const char *left, const char *text, size_t column)
{
	size_t len = strlen(left);
	fputs(left, out);
	if (len + 2 > column) {
		fputc('\n', out);
		len = 0;
	}
	for (const char *line = text;;) {
		const char *nl = strchr(line, '\n');
		fprintf(out, "%*s%.*s\n", (int)(column - len), "",
			(int)(nl ? (size_t)(nl - line) : strlen(line)), line);
		if (!nl)
			break;
		line = nl + 1;
		len = 0;
	}
}

void options_print_help(FILE *out, const struct command_help *help, const struct opt *opts)
{
	static const struct opt help_opt = OPT_FLAG('h', "help", "show this help", NULL);
	struct sbuf left = SBUF_INIT;
	size_t column = 0;
	for (const struct opt *o = opts;; o++) {
		const struct opt *row = o->kind == OPT_END ? &help_opt : o;
		sbuf_reset(&left);
		option_column(&left, row);
		if (left.len <= HELP_COLUMN_MAX && left.len + 2 > column)
			column = left.len + 2;
		if (o->kind == OPT_END)
			break;
	}
	fprintf(out, "usage: stackc %s %s\n\n", help->name, help->args);
	if (help->about)
		fprintf(out, "%s\n", help->about);
	fputs("options:\n", out);
	for (const struct opt *o = opts;; o++) {
		const struct opt *row = o->kind == OPT_END ? &help_opt : o;
		sbuf_reset(&left);
		option_column(&left, row);
		print_row(out, left.buf, row->help, column);
		if (o->kind == OPT_END)
			break;
	}
	if (help->footer)
		fprintf(out, "\n%s", help->footer);
	sbuf_release(&left);
}
