/* stackc deploy (and the driver shared with stackc diff); see cli/deploy.h. */
#include "cli/deploy.h"

#include "cli/cli.h"
#include "project/project.h"
#include "base/diag.h"
#include "base/run.h"
#include "compose/units.h"
#include "swarm/apply.h"
#include "swarm/convert.h"
#include "swarm/imagepin.h"
#include "swarm/plan.h"
#include "swarm/wait.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS (5LL * 60 * 1000)

static const struct command_help deploy_help = {
	"deploy", "[options] STACK",
	"Create or update the stack's networks, secrets, configs and services: exactly what\n"
	"changed (unchanged services get no request), then wait until the changed services\n"
	"have converged. Everything is loaded, validated and planned before the first write.\n",
	"Exit status: 0 ok, 1 invalid input or plan refused, 2 usage, 3 Engine failure\n"
	"or services not converged.\n",
};

const struct opt_choice stack_cmd_resolve_choices[] = {
	{ "always", RESOLVE_ALWAYS },
	{ "changed", RESOLVE_CHANGED },
	{ "never", RESOLVE_NEVER },
	{ NULL, 0 },
};

/* --timeout: seconds, or a Go duration ("90s", "5m") */
static int parse_timeout(void *timeout_ms, const char *s)
{
	long long *out = timeout_ms;
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

static int run_stack(struct stack_cmd *s, enum stack_cmd_kind which, struct run *run)
{
	struct engine_cmd *c = &s->cmd;
	const char *stack = c->stacks[0];
	struct project proj;
	struct stack_spec spec = { 0 };
	struct live_state live = { 0 };
	struct plan plan = { 0 };
	struct apply_changed changed = { 0 };
	json_t *locked = NULL, *lock = NULL;
	int status = EXIT_INVALID, planned = 0;

	if (!valid_stack_name(stack)) {
		fprintf(stderr, "stackc %s: invalid stack name: \"%s\"\n", c->name, stack);
		goto done;
	}
	/* the files first: a project that does not load never reaches the Engine */
	if (project_load(&proj, run, &s->project) || !proj.root ||
	    convert_stack(&spec, run, proj.root, stack))
		goto done;
	/* --locked: the lock's digests instead of registry lookups */
	if (s->locked_path && imagepin_lock_load(&locked, run, s->locked_path, &spec))
		goto done;
	if (locked)
		s->plan.resolve = RESOLVE_NEVER;
	if (engine_cmd_open(c) || live_read(&live, c->e, &spec, &s->plan, &c->err)) {
		status = engine_cmd_fail(c);
		goto done;
	}
	if (locked)
		imagepin_lock_apply(&live, &spec, locked);
	planned = !plan_compute(&plan, run, &spec, &live, &s->plan);
	if (which == STACK_CMD_DIFF) {
		if (s->json)
			plan_print_json(&plan, stdout);
		else
			plan_print_text(&plan, stdout);
		status = !planned ? EXIT_INVALID : s->detailed_exitcode && plan_has_changes(&plan) ? 2 : 0;
		goto done;
	}
	if (!planned || (s->lock_path && imagepin_lock_make(&lock, run, &plan, s->lock_path)))
		goto done;
	test_pause();
	if (apply_plan(&changed, &plan, c->e, &s->plan, s->quiet, stdout, &c->err) ||
	    (lock && imagepin_lock_write(lock, s->lock_path, &c->err))) {
		status = engine_cmd_fail(c);
		goto done;
	}
	status = 0;
	if (!s->detach && changed.n) {
		struct wait_opts w = { s->timeout_ms, s->quiet, isatty(fileno(stdout)), stdout };
		if (wait_services(c->e, changed.ids, changed.names, changed.n, &w, &c->err))
			status = engine_cmd_fail(c);
	}
done:
	diag_print(&run->diag, stderr, DIAG_FORMAT_HUMAN, 1);
	apply_changed_release(&changed);
	json_decref(locked);
	json_decref(lock);
	plan_release(&plan);
	live_release(&live);
	convert_release(&spec);
	return status;
}

void stack_cmd_init(struct stack_cmd *s)
{
	*s = (struct stack_cmd){ .cmd = ENGINE_CMD_INIT, .resolve = RESOLVE_ALWAYS,
				 .timeout_ms = DEFAULT_TIMEOUT_MS };
	project_opts_init(&s->project);
	s->project.deploy = 1;
}

int stack_cmd_main(struct stack_cmd *s, enum stack_cmd_kind which, const struct command_help *help,
		   const struct opt *opts, int argc, char **argv)
{
	int status = engine_cmd_parse(&s->cmd, help, opts, STACK_ARGS_ONE, argc, argv);
	if (status) {
		status = options_exit_status(status);
	} else {
		struct run run;
		run_init(&run);
		s->plan.resolve = (enum resolve_image)s->resolve;
		status = run_stack(s, which, &run);
		run_release(&run);
	}
	engine_cmd_release(&s->cmd);
	project_opts_release(&s->project);
	return status;
}

int cmd_deploy(int argc, char **argv)
{
	struct stack_cmd s;
	stack_cmd_init(&s);
	const struct opt opts[] = {
		OPTS_STACK_CMD(&s),
		OPT_FLAG('d', "detach", "do not wait for the services to converge", &s.detach),
		OPT_CALLBACK(0, "timeout", "DURATION",
			     "how long to wait (default 5m; Go duration or seconds)", &s.timeout_ms,
			     parse_timeout, "a duration like 90s or 5m"),
		OPT_FLAG('q', "quiet", "print only errors", &s.quiet),
		OPT_STRING(0, "lock", "FILE", "write the image digests deployed to FILE (JSON)", &s.lock_path),
		OPT_END(),
	};
	return stack_cmd_main(&s, STACK_CMD_DEPLOY, &deploy_help, opts, argc, argv);
}
