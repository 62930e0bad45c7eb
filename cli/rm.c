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
#include "swarm/engine.h"
#include "swarm/stack.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_TIMEOUT_MS 120000L

static const char usage[] =
	"usage: stackc rm [options] STACK [STACK...]\n"
	"\n"
	"Remove stacks: their services, then (once the services' tasks have stopped)\n"
	"their secrets, configs and networks. Volumes are kept (like docker stack rm).\n"
	"\n"
	"  -d, --detach      do not wait for the tasks to stop\n"
	"  -H, --host HOST   the Docker Engine (default: DOCKER_HOST, the docker context,\n"
	"                    or unix:///var/run/docker.sock)\n"
	"      --debug       log every Engine request to stderr\n"
	"  -h, --help        show this help\n";

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
	const char *n = json_string_value(json_object_get(json_object_get(o, "Spec"), "Name"));
	if (!n)
		n = json_string_value(json_object_get(o, "Name"));
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
	static const struct option opts[] = {
		{ "detach", no_argument, NULL, 'd' },
		{ "host", required_argument, NULL, 'H' },
		{ "debug", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct engine_opts eo = { 0 };
	int stop;
	int c, detach = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":dH:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd': detach = 1; break;
		default:
			if (engine_cli_option(c, &eo, "rm", usage, argv, &stop))
				return stop;
		}
	}
	if (optind == argc)
		return usage_error("rm", "which stack?");

	struct sbuf err = SBUF_INIT;
	struct engine *e = NULL;
	int failed = 0, ret = EXIT_SYSTEM;
	if (engine_open(&e, &eo, &err))
		goto fail;
	for (int i = optind; i < argc; i++)
		if (remove_stack(e, argv[i], detach, &failed, &err))
			goto fail;
	ret = failed ? EXIT_SYSTEM : 0;
	goto done;
fail:
	fprintf(stderr, "stackc rm: %s\n", err.buf);
done:
	engine_free(e);
	sbuf_release(&err);
	return ret;
}
