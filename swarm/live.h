/*
 * What the swarm holds now for a stack: the live side of a plan, read with GET
 * requests only, in this order:
 *   /info                      the node must be a swarm manager
 *   /services?filters=label    the stack's services (LABEL_NAMESPACE=<stack>)
 *   /networks                  all of them: external networks are looked up by name
 *   /secrets?filters=name, /configs?filters=name
 *                              the ones the files name (external or not), with
 *                              their generations (the filter is a prefix)
 *   /secrets?filters=label, /configs?filters=label
 *                              with --prune: the stack's own, also those the
 *                              files no longer name
 *                              (never the stack's revisions: revision.h)
 *   /services, /nodes          when the files need them: preflight.h
 *   /distribution/<image>/json with --resolve-image always|changed, the
 *                              registry digest of each image that needs one
 *                              (with X-Registry-Auth when --with-registry-auth)
 *
 * live_read() returns 0, or -1 with the transport's or the daemon's message in
 * *err ("this node is not a swarm manager...", "Error response from daemon: ...").
 * An image that cannot be resolved is not an error: like docker, a warning on
 * stderr says each node will pull it on its own, and the image text is kept
 * (its digests entry is null).
 *
 * Registry credentials are settled first, before any request: with
 * --with-registry-auth each image's registry is resolved (regauth.h; a failing
 * credential helper makes live_read() fail); without it, a warning on stderr
 * names each registry the docker configuration has credentials for.
 * live_release() wipes the resolved credentials (regauth_clear()).
 */
#ifndef STACKC_SWARM_LIVE_H
#define STACKC_SWARM_LIVE_H

#include "swarm/convert.h"

struct engine;
struct json_t;
struct plan_opts;
struct sbuf;

struct live_state {
	struct json_t *services, *networks, *secrets, *configs; /* arrays, as the Engine sent them */
	struct json_t *digests; /* image → {"Image": pinned, "Platforms": [...]}, or null */
	struct json_t *others, *nodes; /* every service, every node: preflight.h (NULL: not read) */
};

int live_read(struct live_state *out, struct engine *e, const struct stack_spec *want,
	      const struct plan_opts *opts, struct sbuf *err);
void live_release(struct live_state *live);

/*
 * Reading objects of the Engine's shape (what it returns and what it accepts);
 * a field of the wrong shape reads as absent.
 */
/* The string at o.k1.k2.k3 (k2 and k3 may be NULL), or NULL. */
const char *live_str(const struct json_t *o, const char *k1, const char *k2, const char *k3);
/* An object's ID: ID (services, secrets, configs, creation replies), else Id (networks). */
const char *live_id(const struct json_t *obj);
/* An object's name: Spec.Name (services, secrets, configs), else Name (networks). */
const char *live_name(const struct json_t *obj);
/* The object of that name in a list, or NULL. */
struct json_t *live_find(const struct json_t *list, const char *name);

#endif
