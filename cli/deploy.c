/* stackc deploy (and the driver shared with stackc diff); see cli/deploy.h. */
#include "cli/deploy.h"

#include "cli/cli.h"
#include "base/interrupt.h"
#include "project/project.h"
#include "base/diag.h"
#include "base/run.h"
#include "base/term.h"
#include "compose/units.h"
#include "swarm/apply.h"
#include "swarm/convert.h"
#include "swarm/imagepin.h"
#include "swarm/plan.h"
#include "swarm/plan_file.h"
#include "swarm/revision.h"
#include "swarm/wait.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS (5LL * 60 * 1000)

static const struct command_help deploy_help = {
	"deploy", "[options] [STACK]",
	"Create or update the stack's networks, secrets, configs and services: exactly what\n"
	"changed (unchanged services get no request), then wait until the changed services\n"
	"have converged. Everything is loaded, validated and planned before the first write.\n"
	"A secret or config whose content changed gets a new generation (NAME-vN) that the\n"
	"services using it are pointed at.\n"
	"A deploy that changed something and converged is recorded as a revision in the\n"
	"swarm (stackc history, stackc rollback).\n"
	"With --plan FILE the files are not read: the plan `stackc diff --out FILE` saved is\n"
	"applied as it is, and refused before any write when an object it read moved since\n"
	"(another Version.Index, gone, or created) or a secret's file changed.\n",
	"Exit status: 0 ok, 1 invalid input or plan refused, 2 usage, 3 Engine failure,\n"
	"4 applied but not converged (a task failed, swarm paused or rolled back the update,\n"
	"or the timeout passed), 130 interrupted (SIGINT, SIGTERM: no write after the one in\n"
	"flight; a second one stops at once).\n",
};

const struct opt_choice stack_cmd_resolve_choices[] = {
	{ "always", RESOLVE_ALWAYS },
	{ "changed", RESOLVE_CHANGED },
	{ "never", RESOLVE_NEVER },
	{ NULL, 0 },
};

int stack_cmd_parse_timeout(void *timeout_ms, const char *s)
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

/* The plan's object lines begin with their action: + create, ~ update, - remove, ! refused. */
static const char *plan_line_color(const char *line)
{
	if (!line[0] || line[1] != ' ')
		return NULL;
	switch (line[0]) {
	case '+': return TERM_GREEN;
	case '~': return TERM_PLAIN_YELLOW;
	case '-': return TERM_PLAIN_RED;
	case '!': return TERM_RED;
	}
	return NULL;
}

/* plan_print_text(), its object lines painted on a terminal (base/term.h). */
static void print_plan_text(const struct plan *plan, FILE *out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = term_color(fileno(out)) ? open_memstream(&text, &len) : NULL;
	if (!mem) {
		plan_print_text(plan, out);
		return;
	}
	plan_print_text(plan, mem);
	fclose(mem);
	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		const char *color = plan_line_color(line);
		fprintf(out, "%s%.*s%s%s", color ? color : "", (int)n, line, color ? TERM_RESET : "",
			nl ? "\n" : "");
		line += n + !!nl;
	}
	free(text);
}

/* A first SIGINT/SIGTERM stopped the deploy: say what was and was not done. */
static int interrupted(struct engine_cmd *c, const struct plan *plan, const char *when)
{
	fprintf(stderr, "stackc %s: interrupted by %s %s\n", c->name, interrupt_received(), when);
	apply_print_progress(plan, stderr);
	fprintf(stderr, "Deploy again to converge from here.\n");
	return EXIT_INTERRUPTED;
}

/*
 * Apply the plan, wait until the changed services converge, then remove the
 * superseded generations; the exit status. SIGINT/SIGTERM stop it between
 * two writes (base/interrupt.h).
 */
static int apply_and_wait(struct stack_cmd *s, struct plan *plan)
{
	struct engine_cmd *c = &s->cmd;
	struct apply_changed changed = { 0 };
	struct apply_opts ao = { s->quiet, stdout, interrupt_requested, NULL, (int)s->parallel };
	int status = 0;
	interrupt_arm();
	int rc = apply_plan(&changed, plan, c->e, &s->plan, &ao, &c->err);
	if (rc == APPLY_INTERRUPTED) {
		status = interrupted(c, plan, "during the deploy: the request in flight completed, no other write was sent");
	} else if (rc) {
		status = engine_cmd_fail(c);
	} else if (!s->detach && changed.n) {
		struct wait_opts w = { s->timeout_ms, s->quiet, isatty(fileno(stdout)), stdout, 0,
				       interrupt_requested, NULL };
		rc = wait_services(c->e, changed.ids, changed.names, changed.n, &w, &c->err);
		if (rc == WAIT_INTERRUPTED) {
			fprintf(stderr, "stackc %s: interrupted by %s while waiting; every change was applied, but %s\n",
				c->name, interrupt_received(), c->err.buf);
			status = EXIT_INTERRUPTED;
		} else if (rc == WAIT_NOT_CONVERGED) {
			fprintf(stderr, "stackc %s: %s\n", c->name, c->err.buf);
			status = EXIT_NOT_CONVERGED;
		} else if (rc) {
			status = engine_cmd_fail(c);
		}
	}
	/* superseded generations go once the services no longer need them */
	if (!status && !s->detach) {
		rc = apply_after_converge(plan, c->e, &ao, &c->err);
		if (rc == APPLY_INTERRUPTED)
			status = interrupted(c, plan, "before the superseded generations were removed");
		else if (rc)
			status = engine_cmd_fail(c);
	}
	if (!status && interrupt_received()) {
		fprintf(stderr, "stackc %s: interrupted by %s once every change was applied\n", c->name,
			interrupt_received());
		status = EXIT_INTERRUPTED;
	}
	interrupt_disarm();
	apply_changed_release(&changed);
	return status;
}

/* deploy --plan: exactly the saved plan, or nothing when anything it read moved. */
static int deploy_saved_plan(struct stack_cmd *s)
{
	struct engine_cmd *c = &s->cmd;
	struct plan plan;
	int status = EXIT_INVALID;
	int rc = plan_file_read(&plan, s->plan_file, c->stacks[0], &c->err);
	if (rc < 0)
		fprintf(stderr, "stackc %s: %s\n", c->name, c->err.buf);
	else if (!rc && (engine_cmd_open(c) || (rc = plan_file_check_live(&plan, c->e, &c->err)) < 0))
		status = engine_cmd_fail(c);
	else if (rc == PLAN_FILE_DRIFT)
		fprintf(stderr, "stackc %s: refused: the stack moved since the plan %s was made; nothing was written:\n%s\n"
				"Make and review a new plan (stackc diff --out).\n",
			c->name, s->plan_file, c->err.buf);
	else {
		test_pause();
		status = apply_and_wait(s, &plan);
	}
	plan_release(&plan);
	return status;
}

/* diff: print the plan (and save it, --out); the exit status. */
static int diff_output(struct stack_cmd *s, const struct plan *plan, int planned)
{
	struct engine_cmd *c = &s->cmd;
	int status = !planned ? EXIT_INVALID : s->detailed_exitcode && plan_has_changes(plan) ? 2 : 0;
	if (s->json)
		plan_print_json(plan, stdout);
	else
		print_plan_text(plan, stdout);
	if (s->plan_file && !planned)
		fprintf(stderr, "stackc %s: the plan was refused; %s was not written\n", c->name, s->plan_file);
	else if (s->plan_file && plan_file_write(plan, s->plan_file, &c->err))
		status = engine_cmd_fail(c);
	return status;
}

static int run_stack(struct stack_cmd *s, enum stack_cmd_kind which, struct run *run)
{
	struct engine_cmd *c = &s->cmd;
	const char *stack = c->nstacks ? c->stacks[0] : NULL;
	struct project proj;
	struct stack_spec spec = { 0 };
	struct live_state live = { 0 };
	struct plan plan = { 0 };
	json_t *locked = NULL, *lock = NULL;
	int status = EXIT_INVALID, planned = 0;

	/* the files first: a project that does not load never reaches the Engine */
	if (which == STACK_CMD_ROLLBACK) {
		if ((status = rollback_load(s, run, &proj, &locked)))
			goto done;
		status = EXIT_INVALID;
	} else if (project_load(&proj, run, &s->project) || !proj.root) {
		goto done;
	}
	/* no STACK argument: the project's top-level name, checked as an argument is */
	if (!stack) {
		stack = proj.name;
		if (!stack)
			usage_error(c->name, "a stack name is required (or a top-level name in the compose file)");
		if (!stack || engine_cmd_check_name(c, stack)) {
			status = EXIT_USAGE;
			goto done;
		}
	}
	if (convert_stack(&spec, run, proj.root, stack))
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
		status = diff_output(s, &plan, planned);
		goto done;
	}
	if (!planned || (s->lock_path && imagepin_lock_make(&lock, run, &plan, s->lock_path)))
		goto done;
	test_pause();
	status = apply_and_wait(s, &plan);
	if (!status && !s->detach && plan_has_changes(&plan))
		stack_cmd_record_revision(s, proj.root, &plan, which);
	/* the lock records what a deploy that succeeded runs */
	if (!status && lock && imagepin_lock_write(lock, s->lock_path, &c->err))
		status = engine_cmd_fail(c);
done:
	run->diag.color = term_color(2);
	diag_print(&run->diag, stderr, DIAG_FORMAT_HUMAN, 1);
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
	s->plan.keep_generations = PLAN_KEEP_GENERATIONS;
	s->keep_revisions = REVISION_KEEP;
	/* 500 services x 0 replicas, one-node lab (bench/DEPLOY-RESULTS.md): fresh deploy 10.4 s
	 * one at a time, 2.5 s with 4, 2.1-2.3 s with 8, 1.7 s with 16: 8 is past the knee
	 * without holding many connections to a daemon that commits writes one by one */
	s->parallel = APPLY_PARALLEL_DEFAULT;
	project_opts_init(&s->project);
	s->project.deploy = 1;
	s->cmd.creates = 1;
}

int stack_cmd_main(struct stack_cmd *s, enum stack_cmd_kind which, const struct command_help *help,
		   const struct opt *opts, int argc, char **argv)
{
	int status = engine_cmd_parse(&s->cmd, help, opts,
				      which == STACK_CMD_ROLLBACK ? STACK_ARGS_ONE : STACK_ARGS_PROJECT, argc, argv);
	if (!status)
		status = project_opts_check(help->name, &s->project);
	if (status) {
		status = options_exit_status(status);
	} else {
		struct run run;
		run_init(&run);
		s->plan.resolve = (enum resolve_image)s->resolve;
		if (s->plan.keep_generations < 1)
			status = usage_error(s->cmd.name, "--keep-generations must be at least 1");
		else if (s->keep_revisions < 1)
			status = usage_error(s->cmd.name, "--keep-revisions must be at least 1");
		else if (s->parallel < 1 || s->parallel > 64)
			status = usage_error(s->cmd.name, "--parallel must be between 1 and 64");
		else if (which == STACK_CMD_DEPLOY && s->plan_file)
			status = deploy_saved_plan(s);
		else
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
		OPTS_STACK_WAIT(&s),
		OPT_STRING(0, "lock", "FILE", "write the image digests deployed to FILE (JSON)", &s.lock_path),
		OPT_INT(0, "keep-revisions", "N",
			"revisions of the stack kept in the swarm, for history and\n"
			"rollback (default 10)",
			&s.keep_revisions),
		OPT_STRING(0, "plan", "FILE",
			   "apply exactly the plan saved by `stackc diff --out`\n"
			   "(refused when anything it read moved since)",
			   &s.plan_file),
		OPT_INT(0, "parallel", "N", "writes in flight at once (default 8; 1: one after another)",
			&s.parallel),
		OPT_END(),
	};
	return stack_cmd_main(&s, STACK_CMD_DEPLOY, &deploy_help, opts, argc, argv);
}
