/* The candidates of shell completion; see cli/complete.h. */
#include "cli/complete.h"

#include "cli/cli.h"
#include "cli/options.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "project/project.h"
#include "swarm/engine.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An Engine that does not answer at once leaves the shell waiting: give up soon. */
#define ENGINE_TIMEOUT_MS 2000

const struct complete_request *complete_request;

void complete_word(const char *prefix, const char *name, const char *about)
{
	if (strncmp(name, prefix, strlen(prefix)))
		return;
	printf("%s\t", name);
	for (const char *p = about; p && *p; p++)
		putchar(*p == '\n' ? ' ' : *p);
	putchar('\n');
}

/* What the words before the cursor say, and what the word under it is. */
struct cursor {
	const char *word;            /* under the cursor */
	const struct opt *value_of;  /* the word is this option's value... */
	size_t value_at;             /* ...from this byte on ("--format=j": 9) */
	int is_option;               /* the word is an option's name */
	int npositional;             /* arguments before the word */
	const char *stack;           /* the first of them */
	const char *host;            /* -H */
	struct project_opts project; /* -f, -c */
};

/* An option's value given before the cursor: keep what completion needs. */
static void remember(struct cursor *c, const struct opt *o, const char *value)
{
	if (o->long_name && !strcmp(o->long_name, "host"))
		c->host = value;
	else if (o->fn == project_option_file || o->fn == project_option_compose_files)
		o->fn(&c->project, value);
}

/* The option a word names, and where its value starts (0: in the next word; -1: none). */
static const struct opt *option_of(const struct opt *opts, const char *w, int *value_at)
{
	*value_at = -1;
	if (w[1] == '-') {
		const char *eq = strchr(w + 2, '=');
		const struct opt *o = options_find_long(opts, w + 2, eq ? (size_t)(eq - w - 2) : strlen(w + 2));
		if (o && o->kind != OPT_FLAG)
			*value_at = eq ? (int)(eq + 1 - w) : 0;
		return o;
	}
	for (const char *p = w + 1; *p; p++) {
		const struct opt *o = options_find_short(opts, *p);
		if (!o)
			return NULL;
		if (o->kind != OPT_FLAG) {
			*value_at = p[1] ? (int)(p + 1 - w) : 0;
			return o;
		}
	}
	return NULL;
}

static void locate(struct cursor *c, const struct opt *opts, char **w, int n)
{
	int only_args = 0, value_at, i;
	const struct opt *o;
	for (i = 0; i < n - 1; i++) {
		const char *a = w[i];
		if (only_args || a[0] != '-' || !a[1]) {
			if (!c->npositional++)
				c->stack = a;
		} else if (!strcmp(a, "--")) {
			only_args = 1;
		} else if ((o = option_of(opts, a, &value_at)) && value_at > 0) {
			remember(c, o, a + value_at);
		} else if (o && value_at == 0) {
			if (i + 1 == n - 1) {
				c->value_of = o;
				break;
			}
			remember(c, o, w[++i]);
		}
	}
	c->word = w[n - 1];
	if (c->value_of || only_args || c->word[0] != '-')
		return;
	if (c->word[1] == '-' && strchr(c->word, '=') &&
	    (o = option_of(opts, c->word, &value_at)) && value_at > 0) {
		c->value_of = o;
		c->value_at = (size_t)value_at;
		return;
	}
	c->is_option = 1;
}

static void complete_options(const struct cursor *c, const struct opt *opts)
{
	int shorts = !strcmp(c->word, "-");
	char name[128];
	for (const struct opt *o = opts; o->kind != OPT_END; o++) {
		if (o->long_name) {
			snprintf(name, sizeof(name), "--%s", o->long_name);
			complete_word(c->word, name, o->help);
		}
		if (shorts && o->short_name) {
			snprintf(name, sizeof(name), "-%c", o->short_name);
			complete_word(c->word, name, o->help);
		}
	}
	complete_word(c->word, "--help", "show this help");
	if (shorts)
		complete_word(c->word, "-h", "show this help");
}

/*
 * --filter service=<TAB>: <stack>_<service> for the services of the compose
 * files. The word is prefix_len bytes of option ("--filter=") then the key.
 */
static void complete_service_names(const struct cursor *c, size_t prefix_len)
{
	struct run run;
	struct project proj;
	struct sbuf word = SBUF_INIT;
	run_init(&run);
	if (!project_load(&proj, &run, &c->project)) {
		const struct node *services = node_map_get(proj.root, "services");
		for (size_t i = 0; services && services->kind == NODE_MAP && i < services->map.n; i++) {
			sbuf_reset(&word);
			sb_put(&word, c->word, prefix_len);
			if (c->stack)
				sb_printf(&word, "%s_", c->stack);
			sb_puts(&word, services->map.v[i].key);
			complete_word(c->word, word.buf, NULL);
		}
	}
	sbuf_release(&word);
	run_release(&run);
}

static void complete_value(const struct cursor *c)
{
	const struct opt *o = c->value_of;
	const char *text = c->word + c->value_at;
	struct sbuf word = SBUF_INIT;
	const char *prefix = c->word;
	int prefix_len = (int)c->value_at;

	if (o->fn == engine_option_filter &&
	    (!strncmp(text, "service=", 8) || !strncmp(text, "name=", 5))) {
		complete_service_names(c, (size_t)(strchr(text, '=') + 1 - c->word));
		goto done;
	}
	if (o->kind == OPT_ENUM) {
		for (const struct opt_choice *ch = o->choices; ch->name; ch++) {
			sbuf_reset(&word);
			sb_printf(&word, "%.*s%s", prefix_len, prefix, ch->name);
			complete_word(c->word, word.buf, NULL);
		}
	} else if (o->words) {
		for (const char *p = o->words; *p;) {
			size_t len = strcspn(p, " ");
			sbuf_reset(&word);
			sb_printf(&word, "%.*s%.*s", prefix_len, prefix, (int)len, p);
			complete_word(c->word, word.buf, NULL);
			p += len + (p[len] == ' ');
		}
	} else if (o->value_name && !strcmp(o->value_name, "FILE")) {
		puts(":file");
	} else if (o->value_name && !strcmp(o->value_name, "DIR")) {
		puts(":dir");
	}
done:
	sbuf_release(&word);
}

/* The stacks on the swarm, or none when the Engine does not answer. */
static void complete_stacks(const struct cursor *c)
{
	struct engine_opts eo = { c->host, 0, ENGINE_TIMEOUT_MS, ENGINE_TIMEOUT_MS };
	struct engine *e = NULL;
	struct sbuf err = SBUF_INIT;
	json_t *services = NULL;
	if (!engine_open(&e, &eo, &err) &&
	    !stack_list(&services, e, KIND_SERVICE, NULL, NULL, NULL, &err)) {
		struct stack_table t;
		stack_table_init(&t, 3);
		stack_ls_rows(&t, services);
		for (size_t i = t.ncols; i < t.nr; i += t.ncols)
			complete_word(c->word, t.cells[i], NULL);
		stack_table_release(&t);
	}
	json_decref(services);
	engine_free(e);
	sbuf_release(&err);
}

int complete_command(const struct command_help *help, const struct opt *opts)
{
	const struct complete_request *req = complete_request;
	struct cursor c = { 0 };
	complete_request = NULL; /* a command never asks twice */
	project_opts_init(&c.project);
	locate(&c, opts, req->words, req->n);
	if (c.value_of)
		complete_value(&c);
	else if (c.is_option)
		complete_options(&c, opts);
	else if (strstr(help->args, "FILE"))
		puts(":file");
	else if (strstr(help->args, "STACK...") || (strstr(help->args, "STACK") && !c.npositional))
		complete_stacks(&c);
	fflush(stdout);
	project_opts_release(&c.project);
	return OPTIONS_HELP;
}
