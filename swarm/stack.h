/*
 * A stack on the swarm: every object labelled com.docker.stack.namespace=<name>
 * (nothing else ties objects to a stack). Listing helpers shared by ls,
 * services, ps, rm, diff and deploy, and the rows of docker's tables.
 *
 * Functions taking a struct engine return 0, or -1 with a message in *err: the
 * transport's, or "Error response from daemon: <message>" for an error status.
 * Row builders take reply bodies as they come from the Engine and never fail:
 * a field of the wrong shape reads as absent.
 */
#ifndef STACKC_SWARM_STACK_H
#define STACKC_SWARM_STACK_H

#include <stddef.h>
#include <stdio.h>

struct json_t;
struct sbuf;
struct engine;

/* The label that ties an object to its stack; its value is the stack's name. */
#define LABEL_NAMESPACE "com.docker.stack.namespace"

/*
 * The kinds of object a stack has on the swarm. The first DEPLOYED_KINDS are
 * what a stack file declares and a deploy writes, in the order it writes them;
 * tasks are only ever listed.
 */
enum stack_kind { KIND_NETWORK, KIND_SECRET, KIND_CONFIG, KIND_SERVICE, KIND_TASK };
#define DEPLOYED_KINDS 4

/* "network", "secret", "config", "service", "task" */
const char *stack_kind_name(enum stack_kind kind);

/*
 * GET /services|networks|secrets|configs|tasks?filters={"label":{"<LABEL_NAMESPACE>=<stack>":true}}
 * (stack NULL: every object carrying the label, whatever its value), with the
 * filters of `extra` merged in (NULL, or an object key → {value: true}), and
 * `query` appended as is (NULL, or e.g. "status=true").
 * *out: the reply array (the caller decrefs); -1 also when it is not an array.
 */
int stack_list(struct json_t **out, struct engine *e, enum stack_kind kind, const char *stack,
	       const struct json_t *extra, const char *query, struct sbuf *err);

/*
 * Add a `-f key=value` argument to a filters object (docker's parsing: split at
 * the first '=', key lower-cased, both trimmed). -1 with a message when there is no '='.
 */
int stack_add_filter(struct json_t *filters, const char *arg, struct sbuf *err);

/*
 * Poll the stack's tasks (100 ms, doubling up to 1 s) until every one has
 * stopped: gone, or in a state past running (complete, shutdown, failed,
 * rejected, remove, orphaned; completed job tasks stay listed for good). After
 * timeout_ms, -1 with a message naming how many still run.
 */
int stack_wait_tasks_stopped(struct engine *e, const char *stack, long timeout_ms,
			     struct sbuf *err);

/* Whether a task state is past running: its container has stopped. */
int stack_task_state_stopped(const char *state);

/* Go's sortorder.NaturalLess as a comparison: runs of digits compare as numbers. */
int stack_natural_cmp(const char *a, const char *b);

/*
 * A table printed the way docker's formatter does (Go's text/tabwriter with
 * minimum width 10, padding 3, widths in runes): every cell but the last of a
 * row is padded; the last is printed as is.
 */
struct stack_table {
	size_t ncols, nr, alloc;
	char **cells; /* nr * ncols, owned */
};

void stack_table_init(struct stack_table *t, size_t ncols);
/* Append one cell (copied); rows fill left to right. */
void stack_table_add(struct stack_table *t, const char *cell);
void stack_table_print(const struct stack_table *t, FILE *out);
void stack_table_release(struct stack_table *t);

/*
 * `stack ls`: rows NAME, SERVICES, ORCHESTRATOR (always "Swarm") from a
 * services reply, one per distinct namespace label value, naturally sorted.
 * Services without the label are skipped.
 */
void stack_ls_rows(struct stack_table *t, const struct json_t *services);

/*
 * `stack services`: rows ID, NAME, MODE, REPLICAS, IMAGE, PORTS from a services
 * reply (with ServiceStatus, i.e. ?status=true), naturally sorted by name.
 * quiet: one column, the short IDs.
 */
void stack_services_rows(struct stack_table *t, const struct json_t *services, int quiet);

/*
 * `stack ps`: rows ID, NAME, IMAGE, NODE, DESIRED STATE, CURRENT STATE, ERROR,
 * PORTS from a tasks reply, sorted by task name then newest first, older tasks
 * of a slot indented " \_ ". services and nodes (replies of GET /services and
 * GET /nodes, may be NULL) resolve names unless STACK_PS_NO_RESOLVE. now: the
 * reference for "Running 5 minutes ago", in seconds since the epoch.
 */
#define STACK_PS_NO_TRUNC 1
#define STACK_PS_NO_RESOLVE 2
#define STACK_PS_QUIET 4
void stack_ps_rows(struct stack_table *t, const struct json_t *tasks, const struct json_t *services,
		   const struct json_t *nodes, int flags, double now);

#endif
