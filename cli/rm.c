/*
 * stackc rm: remove stacks, printing what docker stack rm prints, in its order:
 * services (by name), secrets, configs, networks. Unlike docker, it waits for the
 * stack's tasks to stop before removing the rest, so networks are free when the
 * command returns and an immediate redeploy does not trip over them.
 * Exit status: 0, or 3 when the Engine failed or refused a removal.
 */
#include "cli/cli.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/live.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_TIMEOUT_MS 120000L

static const struct command_help help = {
	"rm", "[options] STACK [STACK...]",
	"Remove stacks: their services, then (once the services' tasks have stopped)\n"
	"their secrets, configs and networks. Volumes are kept (like docker stack rm).\n",
	NULL,
};

/* What one kind of object is called, where it lives, and its id and name fields. */
struct kind {
	enum stack_kind kind;
	const char *what, *path, *id_key;
};

static const struct kind kinds[] = {
	{ KIND_SERVICE, "service", "/services/", "ID" },
	{ KIND_SECRET, "secret", "/secrets/", "ID" },
	{ KIND_CONFIG, "config", "/configs/", "ID" },
	{ KIND_NETWORK, "network", "/networks/", "Id" },
};

static const char *object_name(const json_t *o)
{
	const char *n = live_name(o);
	return n ? n : "";
}

static int by_name(const void *a, const void *b)
{
	return strcmp(object_name(*(json_t *const *)a), object_name(*(json_t *const *)b));
}

/*
 * Remove every object of a list. Returns -1 on a transport failure; a refusal
 * by the daemon is reported and counted in *failed.
 */
static int remove_all(struct engine *e, const struct kind *k, json_t *list, int *failed,
		      struct sbuf *err)
{
	size_t n = json_array_size(list), i;
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	int ret = -1;
	for (i = 0; i < n; i++)
		v[i] = json_array_get(list, i);
	if (k->kind == KIND_SERVICE)
		qsort(v, n, sizeof(*v), by_name);
	for (i = 0; i < n; i++) {
		const char *id = json_string_value(json_object_get(v[i], k->id_key));
		printf("Removing %s %s\n", k->what, object_name(v[i]));
		fflush(stdout);
		if (!id || !*id) {
			fprintf(stderr, "Failed to remove %s %s: the Engine listed it without an ID\n",
				k->what, object_name(v[i]));
			*failed = 1;
			continue;
		}
		char *path = xstrfmt("%s%s", k->path, id);
		int status;
		json_t *resp = NULL;
		int r = engine_request(e, "DELETE", path, NULL, NULL, &status, &resp, err);
		free(path);
		if (r)
			goto done;
		if (status >= 300) {
			fprintf(stderr, "Failed to remove %s %s: Error response from daemon: %s\n", k->what,
				id, engine_error_message(resp));
			*failed = 1;
		}
		json_decref(resp);
	}
	ret = 0;
done:
	free(v);
	return ret;
}

/* 0 done (perhaps with refusals, counted in *failed), -1 transport failure. */
static int remove_stack(struct engine *e, const char *stack, int detach, int *failed,
			struct sbuf *err)
{
	json_t *lists[ARRAY_SIZE(kinds)] = { NULL };
	size_t i, total = 0;
	int ret = -1, refused = 0;
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (stack_list(&lists[i], e, kinds[i].kind, stack, NULL, NULL, err))
			goto done;
		total += json_array_size(lists[i]);
	}
	if (!total) {
		fprintf(stderr, "Nothing found in stack: %s\n", stack);
		ret = 0;
		goto done;
	}
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (remove_all(e, &kinds[i], lists[i], &refused, err))
			goto done;
		if (kinds[i].kind != KIND_SERVICE || detach || !json_array_size(lists[i]))
			continue;
		if (stack_wait_tasks_stopped(e, stack, WAIT_TIMEOUT_MS, err)) {
			fprintf(stderr, "stackc rm: %s; removing the rest anyway\n", err->buf);
			sbuf_reset(err);
		}
	}
	if (refused) {
		fprintf(stderr, "failed to remove some resources from stack: %s\n", stack);
		*failed = 1;
	}
	ret = 0;
done:
	for (i = 0; i < ARRAY_SIZE(kinds); i++)
		json_decref(lists[i]);
	return ret;
}

int cmd_rm(int argc, char **argv)
{
	struct engine_cmd c = ENGINE_CMD_INIT;
	int detach = 0, failed = 0;
	const struct opt opts[] = {
		OPT_FLAG('d', "detach", "do not wait for the tasks to stop", &detach),
		OPTS_ENGINE(&c.engine),
		OPT_END(),
	};
	int ret = engine_cmd_parse(&c, &help, opts, STACK_ARGS_SOME, argc, argv);
	if (ret)
		return options_exit_status(ret);

	if (engine_cmd_open(&c))
		goto fail;
	for (int i = 0; i < c.nstacks; i++)
		if (remove_stack(c.e, c.stacks[i], detach, &failed, &c.err))
			goto fail;
	ret = failed ? EXIT_SYSTEM : 0;
	goto done;
fail:
	ret = engine_cmd_fail(&c);
done:
	engine_cmd_release(&c);
	return ret;
}
