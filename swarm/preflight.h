/*
 * Preflight: refuse before the first write what the daemon would refuse (or
 * leave pending for ever) half-way through a deploy. The plan
 * (plan_compute()) reports each as a plan error naming the service and the
 * conflicting object:
 *   - a published ingress port (port/protocol) already published by a
 *     service outside this stack (the daemon: "port '8080' is already in use
 *     by service ... as an ingress port", after the writes before it);
 *   - placement constraints no node of the swarm satisfies (the tasks would
 *     stay pending: "no suitable node"), read as swarmkit does: node.id,
 *     node.hostname, node.role, node.platform.os, node.platform.arch,
 *     node.labels.<key>, engine.labels.<key> with == or != (values without
 *     regard to case; a missing label is ""). A constraint on a key stackc
 *     does not know (node.ip...) is not judged.
 * Missing external networks, secrets and configs are plan errors already
 * (plan.h). Host-mode ports are not checked: they conflict per node only.
 *
 * preflight_read() makes the GET requests this needs, and only when the
 * files need them: GET /services (every service) when a service publishes a
 * port, GET /nodes when a service has placement constraints. Their answers
 * go to live->others and live->nodes (NULL when not read).
 */
#ifndef STACKC_SWARM_PREFLIGHT_H
#define STACKC_SWARM_PREFLIGHT_H

#include "swarm/live.h"

struct engine;
struct sbuf;

int preflight_read(struct live_state *live, struct engine *e, const struct stack_spec *want, struct sbuf *err);

/*
 * Whether a node (as GET /nodes gives it) satisfies one constraint: 1 yes,
 * 0 no, -1 when the constraint is not one stackc can judge.
 */
int preflight_constraint_matches(const struct json_t *node, const char *constraint);

#endif
