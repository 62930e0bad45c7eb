/* The live state of a stack; see live.h for the contract. */
#include "swarm/live.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/engine.h"
#include "swarm/plan.h"
#include "swarm/preflight.h"
#include "swarm/regauth.h"
#include "swarm/revision.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *live_str(const json_t *o, const char *k1, const char *k2, const char *k3)
{
	const json_t *v = json_object_get(o, k1);
	if (k2)
		v = json_object_get(v, k2);
	if (k3)
		v = json_object_get(v, k3);
	return json_string_value(v);
}

const char *live_id(const json_t *obj)
{
	const char *id = live_str(obj, "ID", NULL, NULL);
	return id ? id : live_str(obj, "Id", NULL, NULL);
}

const char *live_name(const json_t *obj)
{
	const char *n = live_str(obj, "Spec", "Name", NULL);
	return n ? n : json_string_value(json_object_get(obj, "Name"));
}

json_t *live_find(const json_t *list, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		if (live_name(v) && !strcmp(live_name(v), name))
			return v;
	return NULL;
}

/* Append the objects of `more` that `list` does not hold yet (by ID). */
static void merge_by_id(json_t *list, const json_t *more)
{
	size_t i, k;
	json_t *v, *w;
	json_array_foreach(more, i, v) {
		const char *id = live_str(v, "ID", NULL, NULL);
		int have = 0;
		json_array_foreach(list, k, w)
			have |= id && live_str(w, "ID", NULL, NULL) && !strcmp(id, live_str(w, "ID", NULL, NULL));
		if (!have)
			json_array_append(list, v);
	}
}

/* GET /secrets or /configs filtered by the names the files use. */
static int list_named(json_t **out, struct engine *e, const struct stack_spec *want,
		      enum stack_kind kind, struct sbuf *err)
{
	if (!want->n[kind]) {
		*out = json_array();
		return 0;
	}
	json_t *names = json_object();
	for (size_t i = 0; i < want->n[kind]; i++)
		json_object_set_new(names, want->v[kind][i].name, json_true());
	json_t *filters = json_pack("{s:o}", "name", names);
	struct sbuf path = SBUF_INIT;
	sb_printf(&path, "/%ss?filters=", stack_kind_name(kind));
	engine_put_filters(&path, filters);
	int rc = engine_get(e, path.buf, NULL, out, err);
	sbuf_release(&path);
	json_decref(filters);
	return rc;
}

/*
 * The secrets or configs a plan looks at: those the files name (the name
 * filter is a prefix filter on the daemon, so generations <name>-vN come
 * along), and with --prune the stack's own by label, to find those the
 * files no longer name.
 */
static int list_file_objects(json_t **out, struct engine *e, const struct stack_spec *want,
			     enum stack_kind kind, const struct plan_opts *opts, struct sbuf *err)
{
	if (list_named(out, e, want, kind, err))
		return -1;
	if (opts->prune) {
		json_t *own = NULL;
		if (stack_list(&own, e, kind, want->stack, NULL, NULL, err))
			return -1;
		merge_by_id(*out, own);
		json_decref(own);
	}
	/* the stack's revisions (revision.h) are not stack objects: never shown, never pruned */
	for (size_t i = json_array_size(*out); i-- > 0;)
		if (revision_is(json_object_get(json_object_get(json_array_get(*out, i), "Spec"), "Labels")))
			json_array_remove(*out, i);
	return 0;
}

/*
 * Registry credentials, before anything is written: with --with-registry-auth
 * each image's registry is resolved now (a failing credential helper stops
 * the run here; apply.c then finds them resolved); without it, a warning for
 * each registry the docker configuration has credentials for.
 */
static int check_credentials(const struct stack_spec *want, const struct plan_opts *opts, struct sbuf *err)
{
	json_t *seen = json_object();
	int ret = 0;
	for (size_t i = 0; i < want->n[KIND_SERVICE] && !ret; i++) {
		const char *image = live_str(want->v[KIND_SERVICE][i].spec, "TaskTemplate", "ContainerSpec", "Image");
		char *registry = image ? regauth_registry(image) : NULL;
		if (!registry || json_object_get(seen, registry)) {
			free(registry);
			continue;
		}
		json_object_set_new(seen, registry, json_true());
		if (opts->with_registry_auth) {
			char *header;
			ret = regauth_lookup(&header, image, err);
			free(header);
		} else if (regauth_configured(image)) {
			fprintf(stderr,
				"warning: the nodes will pull %s without the credentials the docker configuration has "
				"for %s (give --with-registry-auth)\n",
				image, strcmp(registry, "https://index.docker.io/v1/") ? registry : "Docker Hub");
		}
		free(registry);
	}
	json_decref(seen);
	return ret;
}

/*
 * --resolve-image: the pinned image and platforms of each image that needs
 * them (always: every image written without a digest; changed: only those of
 * new services and of services whose image text differs from the live
 * service's com.docker.stack.image label).
 */
static int resolve_images(struct live_state *live, struct engine *e, const struct stack_spec *want,
			  const struct plan_opts *opts)
{
	live->digests = json_object();
	if (opts->resolve == RESOLVE_NEVER)
		return 0;
	for (size_t i = 0; i < want->n[KIND_SERVICE]; i++) {
		const json_t *spec = want->v[KIND_SERVICE][i].spec;
		const char *image = live_str(spec, "TaskTemplate", "ContainerSpec", "Image");
		const char *label = live_str(spec, "Labels", LABEL_IMAGE, NULL);
		if (!image || json_object_get(live->digests, image) || strchr(image, '@'))
			continue;
		if (opts->resolve == RESOLVE_CHANGED) {
			json_t *ls = live_find(live->services, want->v[KIND_SERVICE][i].name);
			const char *ll = live_str(json_object_get(ls, "Spec"), "Labels", LABEL_IMAGE, NULL);
			if (ls && ll && label && !strcmp(ll, label))
				continue;
		}
		struct sbuf path = SBUF_INIT, err = SBUF_INIT;
		sb_puts(&path, "/distribution/");
		sb_puts(&path, image);
		sb_puts(&path, "/json");
		char *auth = opts->with_registry_auth ? regauth_header(image) : NULL;
		json_t *resp = NULL;
		if (engine_get(e, path.buf, auth, &resp, &err)) {
			fprintf(stderr,
				"image %s could not be accessed on a registry to record\n"
				"its digest. Each node will access %s independently,\n"
				"possibly leading to different nodes running different\n"
				"versions of the image.\n",
				image, image);
			json_object_set_new(live->digests, image, json_null());
		} else {
			const char *digest = live_str(resp, "Descriptor", "digest", NULL);
			json_t *r = json_object();
			char *pinned = xstrfmt("%s@%s", image, digest ? digest : "");
			json_object_set_new(r, "Image", json_string(pinned));
			free(pinned);
			json_t *plats = json_array();
			size_t j;
			json_t *p;
			json_array_foreach(json_object_get(resp, "Platforms"), j, p) {
				const char *arch = json_string_value(json_object_get(p, "architecture"));
				json_t *o = json_object();
				/* swarmkit#2294: "arm" images would never be scheduled */
				if (arch && strcasecmp(arch, "arm"))
					json_object_set_new(o, "Architecture", json_string(arch));
				const char *os = json_string_value(json_object_get(p, "os"));
				if (os)
					json_object_set_new(o, "OS", json_string(os));
				json_array_append_new(plats, o);
			}
			json_object_set_new(r, "Platforms", plats);
			json_object_set_new(live->digests, image, digest ? r : (json_decref(r), json_null()));
		}
		json_decref(resp);
		free(auth);
		sbuf_release(&path);
		sbuf_release(&err);
	}
	return 0;
}

int live_read(struct live_state *out, struct engine *e, const struct stack_spec *want,
	      const struct plan_opts *opts, struct sbuf *err)
{
	memset(out, 0, sizeof(*out));
	if (check_credentials(want, opts, err) || engine_require_manager(e, err))
		return -1;
	if (stack_list(&out->services, e, KIND_SERVICE, want->stack, NULL, NULL, err) ||
	    engine_get(e, "/networks", NULL, &out->networks, err) ||
	    list_file_objects(&out->secrets, e, want, KIND_SECRET, opts, err) ||
	    list_file_objects(&out->configs, e, want, KIND_CONFIG, opts, err) ||
	    preflight_read(out, e, want, err))
		return -1;
	return resolve_images(out, e, want, opts);
}

void live_release(struct live_state *live)
{
	json_t *owned[] = { live->services, live->networks, live->secrets, live->configs,
			    live->digests,  live->others,   live->nodes };
	for (size_t i = 0; i < ARRAY_SIZE(owned); i++)
		json_decref(owned[i]);
	memset(live, 0, sizeof(*live));
	regauth_clear();
}
