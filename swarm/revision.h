/*
 * Stack revisions, kept in the swarm itself so that every manager and every
 * machine sees the same history: one config object per revision,
 *   name    <stack>_stackc-rev-<N>
 *   labels  com.docker.stack.namespace=<stack> (so `stackc rm` removes them
 *           with the stack), LABEL_REVISION=<N>, and when, from which host
 *           and user, with a one-line summary;
 *   data    JSON {"stackc-revision": 1, "stack", "compose": the stack file
 *           as `stackc config` prints it, "generations": {"secrets": {key:
 *           generation name}, "configs": {...}}, "images": {image: digest}}.
 *           Names of secret generations only: never a secret's value.
 * A revision config is not a stack object: live.c leaves it out of what a
 * plan sees, so diff never shows it and --prune never removes it.
 *
 * revision_record() writes revision max+1 and removes the oldest beyond
 * keep. Errors: -1 with the transport's or the daemon's message in *err.
 */
#ifndef STACKC_SWARM_REVISION_H
#define STACKC_SWARM_REVISION_H

#include <stddef.h>

struct engine;
struct json_t;
struct plan;
struct sbuf;

#define LABEL_REVISION "com.stackc.revision"
#define LABEL_REVISION_TIME "com.stackc.revision.time"
#define LABEL_REVISION_HOST "com.stackc.revision.host"
#define LABEL_REVISION_USER "com.stackc.revision.user"
#define LABEL_REVISION_SUMMARY "com.stackc.revision.summary"
#define REVISION_KEEP 10

struct revision {
	long number;
	const char *id, *name, *time, *host, *user, *summary; /* owned by the list */
};

struct revision_list {
	struct revision *v; /* newest first */
	size_t n;
	struct json_t *raw; /* the reply the strings point into */
};

/* Whether a config's labels make it a revision (not a stack object). */
int revision_is(const struct json_t *labels);

/* The stack's revisions, newest first: one GET /configs filtered by label. */
int revision_list(struct revision_list *out, struct engine *e, const char *stack, struct sbuf *err);
void revision_list_release(struct revision_list *l);

/* The revision numbered n, or NULL. */
const struct revision *revision_find(const struct revision_list *l, long n);

/* GET /configs/<id>: the revision's data (see above); the caller decrefs *out. */
int revision_read(struct json_t **out, struct engine *e, const struct revision *r, struct sbuf *err);

/*
 * The data of a revision: the compose text and, from the plan, the generation
 * each secret/config of the files uses and each service image's digest.
 */
struct json_t *revision_data(const char *stack, const char *compose, const struct plan *p);

/*
 * A one-line summary of the plan: "3 services; updated web, db" (rollback
 * gives a prefix such as "rollback to 2").
 */
char *revision_summary(const struct plan *p, const char *prefix);

/*
 * Write the next revision with data, then remove those beyond keep (oldest
 * first). *number gets the revision written.
 */
int revision_record(long *number, struct engine *e, const char *stack, const struct json_t *data,
		    const char *summary, long keep, struct sbuf *err);

#endif
