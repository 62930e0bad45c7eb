/*
 * stackc rollback: deploy a revision recorded in the swarm (swarm/revision.h)
 * through the driver deploy uses (cli/deploy.h); and the recording itself,
 * after a deploy or rollback converged.
 */
#include "cli/deploy.h"

#include "cli/cli.h"
#include "base/arena.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "emit/yaml.h"
#include "project/project.h"
#include "swarm/live.h"
#include "swarm/revision.h"
#include "swarm/stack.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct command_help help = {
	"rollback", "[options] STACK",
	"Deploy an earlier revision of the stack (see `stackc history`): by default the\n"
	"one before the newest, else --to N. Its stack file is planned and applied as\n"
	"deploy does (the same plan output, no request for what already matches, the\n"
	"same wait), with each secret and config pointed back at the generation it used\n"
	"and each image at the digest it ran. A generation removed since (beyond\n"
	"--keep-generations) refuses the rollback before any write, naming it.\n"
	"A rollback that changed something and converged is itself a new revision.\n",
	"Exit status: as deploy: 0 ok, 1 no such revision or plan refused, 2 usage,\n"
	"3 Engine failure, 4 not converged, 130 interrupted.\n",
};

/* The names of the generations the revision uses that the swarm no longer has, comma-separated. */
static int missing_generations(struct sbuf *missing, struct engine *e, const json_t *gens, struct sbuf *err)
{
	static const char *const kinds[] = { "secrets", "configs" };
	for (size_t k = 0; k < 2; k++) {
		const json_t *map = json_object_get(gens, kinds[k]);
		if (!json_object_size(map))
			continue;
		json_t *names = json_object(), *list = NULL;
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)map, key, v)
			if (json_is_string(v))
				json_object_set_new(names, json_string_value(v), json_true());
		json_t *filters = json_pack("{s:o}", "name", names);
		struct sbuf path = SBUF_INIT;
		sb_printf(&path, "/%s?filters=", kinds[k]);
		engine_put_filters(&path, filters);
		int rc = engine_get(e, path.buf, NULL, &list, err);
		sbuf_release(&path);
		json_decref(filters);
		if (rc)
			return -1;
		json_object_foreach((json_t *)map, key, v) {
			const char *want = json_string_value(v);
			int found = 0;
			size_t i;
			json_t *o;
			json_array_foreach(list, i, o) /* the name filter is a prefix filter */
				found |= want && live_name(o) && !strcmp(live_name(o), want);
			if (want && !found)
				sb_printf(missing, "%s%.*s %s (%s)", missing->len ? ", " : "",
					  (int)strlen(kinds[k]) - 1, kinds[k], key, want);
		}
		json_decref(list);
	}
	return 0;
}

/* Each secret/config the revision pinned: external, by its generation's name. */
static void pin_generations(struct run *run, struct node *root, const json_t *gens)
{
	static const char *const kinds[] = { "secrets", "configs" };
	for (size_t k = 0; k < 2; k++) {
		struct node *defs = node_map_get(root, kinds[k]);
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)json_object_get(gens, kinds[k]), key, v) {
			if (!defs || defs->kind != NODE_MAP || !json_is_string(v) || !node_map_get(defs, key))
				continue;
			struct node *def = node_new_map(&run->arena, POS_NONE);
			node_map_add(&run->arena, def, "external", POS_NONE, node_new_bool(&run->arena, POS_NONE, 1));
			node_map_add(&run->arena, def, "name", POS_NONE,
				     node_new_str(&run->arena, POS_NONE, json_string_value(v)));
			node_map_set(&run->arena, defs, key, POS_NONE, def);
		}
	}
}

/*
 * Load the compose text as a project: a file of its own in a new directory
 * (no .env beside it), not interpolated again (it is what interpolation gave).
 */
static int load_compose(struct stack_cmd *s, struct run *run, struct project *proj, const char *stack, long n,
			const char *compose)
{
	struct engine_cmd *c = &s->cmd;
	const char *tmp = getenv("TMPDIR");
	char *dir = arena_fmt(&run->arena, "%s/stackc-rollback-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		sb_printf(&c->err, "cannot make a directory for the revision's stack file: %s", strerror(errno));
		return engine_cmd_fail(c);
	}
	char *file = xstrfmt("%s/%s-revision-%ld.yml", dir, stack, n);
	FILE *f = fopen(file, "w");
	int ok = f && fputs(compose, f) >= 0;
	if (f && fclose(f))
		ok = 0;
	int status = 0;
	if (!ok) {
		sb_printf(&c->err, "cannot write %s: %s", file, strerror(errno));
		status = engine_cmd_fail(c);
	} else {
		project_opts_add_file(&s->project, file, strlen(file));
		s->project.project_dir = dir;
		s->project.no_interpolate = 1;
		s->project.deploy = 0; /* its secret files are not read: pin_generations() */
		if (project_load(proj, run, &s->project) || !proj->root)
			status = EXIT_INVALID;
	}
	unlink(file);
	rmdir(dir);
	free(file);
	return status;
}

int rollback_load(struct stack_cmd *s, struct run *run, struct project *proj, json_t **images)
{
	struct engine_cmd *c = &s->cmd;
	const char *stack = c->stacks[0];
	struct revision_list l = { 0 };
	struct sbuf missing = SBUF_INIT;
	json_t *data = NULL;
	const struct revision *r;
	int status;
	if (engine_cmd_open(c) || revision_list(&l, c->e, stack, &c->err)) {
		status = engine_cmd_fail(c);
		goto done;
	}
	r = s->rollback_to ? revision_find(&l, s->rollback_to) : l.n > 1 ? &l.v[1] : NULL;
	if (!r) {
		if (!l.n)
			fprintf(stderr, "stackc %s: stack %s has no revisions (a deploy records one once it converged)\n",
				c->name, stack);
		else if (s->rollback_to)
			fprintf(stderr, "stackc %s: stack %s has no revision %ld (revisions %ld to %ld are kept)\n",
				c->name, stack, s->rollback_to, l.v[l.n - 1].number, l.v[0].number);
		else
			fprintf(stderr, "stackc %s: stack %s has only revision %ld: nothing to roll back to\n", c->name,
				stack, l.v[0].number);
		status = EXIT_INVALID;
		goto done;
	}
	if (revision_read(&data, c->e, r, &c->err) ||
	    missing_generations(&missing, c->e, json_object_get(data, "generations"), &c->err)) {
		status = engine_cmd_fail(c);
		goto done;
	}
	if (missing.len) {
		fprintf(stderr, "stackc %s: refused: revision %ld uses generations the swarm no longer has: %s; "
				"nothing was written (--keep-generations keeps more)\n",
			c->name, r->number, missing.buf);
		status = EXIT_INVALID;
		goto done;
	}
	if (!s->quiet)
		printf("Rolling back stack %s to revision %ld (%s, %s)\n", stack, r->number, r->time ? r->time : "?",
		       r->summary ? r->summary : "");
	status = load_compose(s, run, proj, stack, r->number,
			      json_string_value(json_object_get(data, "compose")));
	if (status)
		goto done;
	pin_generations(run, proj->root, json_object_get(data, "generations"));
	*images = json_is_object(json_object_get(data, "images")) ? json_incref(json_object_get(data, "images"))
								   : json_object();
	s->rolled_back_to = r->number;
done:
	sbuf_release(&missing);
	json_decref(data);
	revision_list_release(&l);
	return status;
}

void stack_cmd_record_revision(struct stack_cmd *s, const struct node *root, const struct plan *plan,
			       enum stack_cmd_kind which)
{
	struct engine_cmd *c = &s->cmd;
	struct sbuf yaml = SBUF_INIT;
	char *prefix = which == STACK_CMD_ROLLBACK ? xstrfmt("rollback to %ld", s->rolled_back_to) : NULL;
	char *summary = revision_summary(plan, prefix);
	long n;
	emit_yaml(&yaml, root);
	json_t *data = revision_data(plan->stack, yaml.buf, plan);
	/* the deploy itself succeeded: a revision that cannot be written is a warning */
	if (revision_record(&n, c->e, plan->stack, data, summary, s->keep_revisions, &c->err))
		fprintf(stderr, "warning: stackc %s: the stack converged, but its revision was not recorded: %s\n",
			c->name, c->err.buf);
	else if (!s->quiet)
		printf("Recorded revision %ld of stack %s\n", n, plan->stack);
	json_decref(data);
	free(summary);
	free(prefix);
	sbuf_release(&yaml);
}

int cmd_rollback(int argc, char **argv)
{
	struct stack_cmd s;
	stack_cmd_init(&s);
	const struct opt opts[] = {
		OPT_INT(0, "to", "N", "the revision to deploy (default: the one before the newest)", &s.rollback_to),
		OPTS_STACK_WAIT(&s),
		OPT_FLAG(0, "prune",
			 "remove the stack's services, networks, secrets and\n"
			 "configs the revision does not define",
			 &s.plan.prune),
		OPT_INT(0, "keep-revisions", "N",
			"revisions of the stack kept in the swarm (default 10)", &s.keep_revisions),
		OPT_FLAG(0, "with-registry-auth",
			 "pass the registry credentials of the docker config to\n"
			 "the swarm (credHelpers, credsStore, auths)",
			 &s.plan.with_registry_auth),
		OPT_COLOR,
		OPTS_ENGINE(&s.cmd.engine),
		OPT_END(),
	};
	return stack_cmd_main(&s, STACK_CMD_ROLLBACK, &help, opts, argc, argv);
}
