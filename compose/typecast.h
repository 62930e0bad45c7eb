/*
 * Type casts after interpolation, exactly as docker CLI 28.2.2 does them
 * (cli/compose/loader/interpolate.go). Only NODE_STR values flagged
 * NODE_INTERPOLATED are cast — a literal "3" stays a string and fails the
 * schema later, as it does with docker — and only at these paths (`*` any
 * key, `[]` any list item):
 *
 *  int   services.*.configs.[].mode, services.*.secrets.[].mode,
 *        services.*.healthcheck.retries, services.*.deploy.replicas,
 *        services.*.deploy.{update,rollback}_config.parallelism,
 *        services.*.deploy.restart_policy.max_attempts,
 *        services.*.deploy.placement.max_replicas_per_node,
 *        services.*.ports.[].{target,published}, services.*.ulimits.*,
 *        services.*.ulimits.*.{hard,soft}, services.*.oom_score_adj
 *        — Go strconv.Atoi: optional sign, decimal digits only (leading
 *        zeros stay decimal: "0440" is 440), int64 range.
 *  float services.*.deploy.{update,rollback}_config.max_failure_ratio
 *        — Go strconv.ParseFloat (decimal, hex with p exponent, inf, nan, _).
 *  bool  services.*.{healthcheck.disable,privileged,read_only,stdin_open,tty},
 *        services.*.volumes.[].read_only, services.*.volumes.[].volume.nocopy,
 *        networks.*.{external,internal,attachable}, volumes.*.external,
 *        secrets.*.external, configs.*.external
 *        — case-insensitive y/yes/true/on and n/no/false/off.
 *
 * docker matches paths after joining keys with '.', so a key holding a '.'
 * (a service named "web.v2") shifts the path and nothing under it is cast;
 * stackc does the same and warns (rule typecast.dotted-key).
 *
 * A cast turns the node into NODE_INT / NODE_FLOAT / NODE_BOOL in place,
 * keeping its pos, flags and text. Failures are errors at the node (rule
 * typecast.int / typecast.float / typecast.bool), and the node is marked
 * NODE_FAILED; all are reported and -1 is returned if there was any.
 */
#ifndef STACKC_COMPOSE_TYPECAST_H
#define STACKC_COMPOSE_TYPECAST_H

struct node;
struct run;

int typecast_tree(struct run *run, struct node *root);

#endif
