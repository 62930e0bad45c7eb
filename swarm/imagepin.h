/*
 * Image digests: how a pinned image ("app:1.4@sha256:…", the form docker's
 * client sends after asking the registry, live.h) is compared and shown by
 * the plan, and the lock file of `deploy --lock` / `--locked`.
 *
 * Comparing: two images that name the same tagged image are the same when one
 * of them carries no digest (only the pinning differs: the daemon or an
 * earlier deploy without a registry answer left it out; but see
 * imagepin_align()); they differ when the digests differ (the tag moved) or
 * the names differ. A change is shown as
 *   image: app:1.4 (sha256:ab12cd34ef56… -> sha256:0987fedcba65…)
 *   image: app:1.4 (unpinned -> sha256:0987fedcba65…)
 *   image: app:1.4 (sha256:ab12cd34ef56…) -> app:1.5 (sha256:0987fedcba65…)
 *
 * The lock file: a JSON object, keys sorted, of image (as the service spec has
 * it: familiar form with its tag, "nginx:1.25", "registry:5000/app:1") →
 * digest ("sha256:" and 64 hex digits). Images written with a digest in the
 * compose file need no entry.
 */
#ifndef STACKC_SWARM_IMAGEPIN_H
#define STACKC_SWARM_IMAGEPIN_H

#include <stdio.h>

struct json_t;
struct live_state;
struct plan;
struct run;
struct sbuf;
struct stack_spec;

/*
 * Make two ContainerSpec objects (the comparable live and wanted ones) show
 * no difference when only their images' pinning differs: the side without a
 * digest gets the other's image text. With pin_unpinned (--with-registry-auth)
 * a live image without digest stays a change when the wanted one has one: the
 * registry answers now, most likely thanks to the credentials, and the update
 * is what hands them to the swarm (the daemon never shows the credentials a
 * service has, so they cannot be compared).
 */
void imagepin_align(struct json_t *live_cs, struct json_t *want_cs, int pin_unpinned);

/*
 * Print the change of a plan field "  image: …\n" when path is the
 * ContainerSpec image and both values are images: 1, else 0 (print it the
 * usual way).
 */
int imagepin_print_change(FILE *out, const char *path, const struct json_t *old, const struct json_t *new);

/*
 * --locked FILE: read the lock (errors at the file, in run's diagnostics) and
 * check that every service image of want that needs a digest has one; each
 * missing image is an error naming the service. 0 with *lock set, or -1.
 */
int imagepin_lock_load(struct json_t **lock, struct run *run, const char *path, const struct stack_spec *want);

/* The digest the lock gives a service spec's image (NULL: none). */
const char *imagepin_locked_digest(const struct json_t *lock, const char *image);

/*
 * --locked, after live_read() made no registry lookups (--resolve-image
 * never): pin each image of want to the lock's digest in live->digests, with
 * the platforms of a live service already running exactly that image.
 */
void imagepin_lock_apply(struct live_state *live, const struct stack_spec *want, const struct json_t *lock);

/*
 * --lock FILE, before the first write: the lock of what the plan deploys,
 * from each service's request body. An image deployed without a digest (its
 * registry did not answer), or with two different ones, is an error in run's
 * diagnostics (-1).
 */
int imagepin_lock_make(struct json_t **lock, struct run *run, const struct plan *p, const char *path);

/* Write the lock to path (atomically: a temporary file renamed): 0, or -1 with a message. */
int imagepin_lock_write(const struct json_t *lock, const char *path, struct sbuf *err);

#endif
