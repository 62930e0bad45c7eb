/* stackc deploy (and the driver shared with stackc diff); see cli/deploy.h. */
#include "cli/deploy.h"

#include "cli/cli.h"
#include "project/project.h"
#include "base/diag.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/units.h"
#include "swarm/apply.h"
#include "swarm/convert.h"
#include "swarm/engine.h"
#include "swarm/plan.h"
#include "swarm/wait.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS (5LL * 60 * 1000)

struct opts {
	enum stack_cmd which;
	const char *name; /* "diff" / "deploy" */
	struct project_opts project;
	struct engine_opts engine;
	struct plan_opts plan;
	int detach, quiet, detailed_exitcode, json;
	long long timeout_ms;
	const char *stack;
};

static void help(const struct opts *o)
{
	if (o->which == STACK_CMD_DIFF)
		fputs("usage: stackc diff [options] STACK\n\n"
		      "Show what `stackc deploy` would change on the live swarm, object by object:\n"
		      "  + create, ~ update (with each changed field: old -> new), - remove (--prune).\n"
		      "Only GET requests are made.\n\noptions:\n",
		      stdout);
	else
		fputs("usage: stackc deploy [options] STACK\n\n"
		      "Create or update the stack's networks, secrets, configs and services: exactly what\n"
		      "changed (unchanged services get no request), then wait until the changed services\n"
		      "have converged. Everything is loaded, validated and planned before the first write.\n\n"
		      "options:\n",
		      stdout);
	fputs(project_options_help, stdout);
	fputs("  -H, --host HOST               the Engine (default: DOCKER_HOST, the docker context, the local socket)\n"
	      "      --debug                   log every Engine request to stderr (also STACKC_TRACE=1)\n"
	      "      --prune                   remove the stack's services the files no longer define\n"
	      "      --resolve-image MODE      always|changed|never: ask the registry for image digests (default always)\n"
	      "      --with-registry-auth      send registry credentials from the docker config to the swarm\n",
	      stdout);
	if (o->which == STACK_CMD_DIFF)
		fputs("      --detailed-exitcode       exit 0 when there are no changes, 2 when there are, 1 on errors\n"
		      "      --format text|json        output format (default text)\n",
		      stdout);
	else
		fputs("  -d, --detach                  do not wait for the services to converge\n"
		      "      --timeout DURATION        how long to wait (default 5m; Go duration or seconds)\n"
		      "  -q, --quiet                   print only errors\n",
		      stdout);
	fputs("  -h, --help                    this help\n\n"
	      "Exit status: 0 ok, 1 invalid input or plan refused, 2 usage, 3 Engine failure",
	      stdout);
	fputs(o->which == STACK_CMD_DIFF ? " (2: changes, with --detailed-exitcode).\n"
					 : " or services not converged.\n",
	      stdout);
}

/* "--name=value" or "--name value": the value, or NULL (usage error printed). */
static const char *value_of(struct opts *o, int argc, char **argv, int *i, const char *eq)
{
	if (eq)
		return eq + 1;
	if (*i + 1 >= argc) {
		usage_error(o->name, "option %s needs a value", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

static int is(const char *arg, const char *name, const char **eq)
{
	size_t n = strlen(name);
	if (strncmp(arg, name, n))
		return 0;
	if (!arg[n]) {
		*eq = NULL;
		return 1;
	}
	if (arg[n] == '=' && name[1] == '-') {
		*eq = arg + n;
		return 1;
	}
	return 0;
}

static int parse_timeout(long long *out, const char *s)
{
	int64_t ns;
	char *end;
	long secs = strtol(s, &end, 10);
	if (*s && !*end && secs >= 0) {
		*out = secs * 1000LL;
		return 0;
	}
	if (units_parse_duration(s, &ns) || ns < 0)
		return -1;
	*out = ns / 1000000;
	return 0;
}

/* 0 ok, 1 --help shown, -1 usage error (status printed). */
static int parse(struct opts *o, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = NULL, *v;
		int r = project_parse_option(&o->project, argc, argv, &i);
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			help(o);
			return 1;
		} else if (is(a, "-H", &eq) || is(a, "--host", &eq)) {
			if (!(o->engine.host = value_of(o, argc, argv, &i, eq)))
				return -1;
		} else if (!strcmp(a, "--debug")) {
			o->engine.debug = 1;
		} else if (!strcmp(a, "--prune")) {
			o->plan.prune = 1;
		} else if (!strcmp(a, "--with-registry-auth")) {
			o->plan.with_registry_auth = 1;
		} else if (is(a, "--resolve-image", &eq)) {
			if (!(v = value_of(o, argc, argv, &i, eq)))
				return -1;
			if (!strcmp(v, "always"))
				o->plan.resolve = RESOLVE_ALWAYS;
			else if (!strcmp(v, "changed"))
				o->plan.resolve = RESOLVE_CHANGED;
			else if (!strcmp(v, "never"))
				o->plan.resolve = RESOLVE_NEVER;
			else
				return usage_error(o->name, "invalid option %s for flag --resolve-image (always, changed or never)", v), -1;
		} else if (o->which == STACK_CMD_DIFF && !strcmp(a, "--detailed-exitcode")) {
			o->detailed_exitcode = 1;
		} else if (o->which == STACK_CMD_DIFF && is(a, "--format", &eq)) {
			if (!(v = value_of(o, argc, argv, &i, eq)))
				return -1;
			if (strcmp(v, "text") && strcmp(v, "json"))
				return usage_error(o->name, "invalid --format %s (text or json)", v), -1;
			o->json = !strcmp(v, "json");
		} else if (o->which == STACK_CMD_DEPLOY && (!strcmp(a, "-d") || !strcmp(a, "--detach"))) {
			o->detach = 1;
		} else if (o->which == STACK_CMD_DEPLOY && (!strcmp(a, "--detach=true") || !strcmp(a, "--detach=false"))) {
			o->detach = !strcmp(a, "--detach=true");
		} else if (o->which == STACK_CMD_DEPLOY && (!strcmp(a, "-q") || !strcmp(a, "--quiet"))) {
			o->quiet = 1;
		} else if (o->which == STACK_CMD_DEPLOY && is(a, "--timeout", &eq)) {
			if (!(v = value_of(o, argc, argv, &i, eq)))
				return -1;
			if (parse_timeout(&o->timeout_ms, v))
				return usage_error(o->name, "invalid --timeout %s (a duration like 90s or 5m)", v), -1;
		} else if (a[0] == '-' && a[1]) {
			return usage_error(o->name, "unknown option %s", a), -1;
		} else if (o->stack) {
			return usage_error(o->name, "one stack name expected, got %s and %s", o->stack, a), -1;
		} else {
			o->stack = a;
		}
	}
	if (!o->stack)
		return usage_error(o->name, "a stack name is required"), -1;
	return 0;
}

/* docker's check: a name of only spaces and quotes is no name. */
static int valid_stack_name(const char *s)
{
	for (; *s; s++)
		if (!strchr(" \t\r\n\v\f\"'", *s))
			return 1;
	return 0;
}

static void test_pause(void)
{
	const char *p = getenv("STACKC_TEST_PAUSE_BEFORE_APPLY");
	if (!p || !*p)
		return;
	double secs = strtod(p, NULL);
	fprintf(stderr, "stackc: pausing %.1fs before the first write (STACKC_TEST_PAUSE_BEFORE_APPLY)\n", secs);
	struct timespec ts = { (time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9) };
	nanosleep(&ts, NULL);
}

static int run_stack(struct opts *o, struct run *run)
{
	struct project proj;
	struct stack_spec spec = { 0 };
	struct engine *e = NULL;
	struct live_state live = { 0 };
	struct plan plan = { 0 };
	struct apply_changed changed = { 0 };
	struct sbuf err = SBUF_INIT;
	int status = EXIT_INVALID, planned = 0;

	if (!valid_stack_name(o->stack)) {
		fprintf(stderr, "stackc %s: invalid stack name: \"%s\"\n", o->name, o->stack);
		goto done;
	}
	if (project_load(&proj, run, &o->project) || !proj.root ||
	    convert_stack(&spec, run, proj.root, o->stack))
		goto done;
	if (engine_open(&e, &o->engine, &err) || live_read(&live, e, &spec, &o->plan, &err)) {
		fprintf(stderr, "stackc %s: %s\n", o->name, err.buf);
		status = EXIT_SYSTEM;
		goto done;
	}
	planned = !plan_compute(&plan, run, &spec, &live, &o->plan);
	if (o->which == STACK_CMD_DIFF) {
		if (o->json)
			plan_print_json(&plan, stdout);
		else
			plan_print_text(&plan, stdout);
		status = !planned ? EXIT_INVALID : o->detailed_exitcode && plan_has_changes(&plan) ? 2 : 0;
		goto done;
	}
	if (!planned)
		goto done;
	test_pause();
	if (apply_plan(&changed, &plan, e, &o->plan, o->quiet, stdout, &err)) {
		fprintf(stderr, "stackc deploy: %s\n", err.buf);
		status = EXIT_SYSTEM;
		goto done;
	}
	status = 0;
	if (!o->detach && changed.n) {
		struct wait_opts w = { o->timeout_ms, o->quiet, isatty(fileno(stdout)), stdout };
		if (wait_services(e, changed.ids, changed.names, changed.n, &w, &err)) {
			fprintf(stderr, "stackc deploy: %s\n", err.buf);
			status = EXIT_SYSTEM;
		}
	}
done:
	diag_print(&run->diag, stderr, DIAG_FORMAT_HUMAN, 1);
	apply_changed_release(&changed);
	plan_release(&plan);
	live_release(&live);
	convert_release(&spec);
	engine_free(e);
	sbuf_release(&err);
	return status;
}

int stack_cmd_main(enum stack_cmd which, int argc, char **argv)
{
	struct opts o = { .which = which, .name = which == STACK_CMD_DIFF ? "diff" : "deploy" };
	project_opts_init(&o.project);
	o.project.deploy = 1;
	o.plan.resolve = RESOLVE_ALWAYS;
	o.timeout_ms = DEFAULT_TIMEOUT_MS;
	int r = parse(&o, argc, argv), status;
	if (r) {
		status = r > 0 ? 0 : EXIT_USAGE;
	} else {
		struct run run;
		run_init(&run);
		status = run_stack(&o, &run);
		run_release(&run);
	}
	project_opts_release(&o.project);
	return status;
}

int cmd_deploy(int argc, char **argv)
{
	return stack_cmd_main(STACK_CMD_DEPLOY, argc, argv);
}
