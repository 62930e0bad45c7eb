/*
 * Swarm semantics beyond the schema: what `docker stack deploy`, the Engine
 * or the swarm scheduler would refuse (or silently never run), found before
 * anything is sent. Runs on the MERGED, NORMALIZED tree (the shape `docker
 * stack config` prints: long port and volume syntax, environment and
 * service networks as maps, secret/config references as {source,...});
 * positions are those the nodes kept from the source files.
 *
 * Rules (id: what, severity):
 *   swarm.deploy-mode          deploy.mode not replicated, global, replicated-job, global-job
 *   swarm.replicas-global      replicas with a global mode
 *   swarm.max-replicas-global  placement.max_replicas_per_node with a global mode
 *   swarm.constraint           placement constraint syntax (key==value, key!=value),
 *                              unknown keys, node.role / node.ip values
 *   swarm.cpus                 cpus not a decimal > 0 with at most 9 decimals
 *   swarm.memory               memory not a byte size, or a limit below 6 MiB
 *   swarm.update-config        update/rollback_config failure_action, order,
 *                              max_failure_ratio outside 0..1, negative delay/monitor
 *   swarm.restart-condition    restart_policy.condition not none, on-failure, any
 *   swarm.endpoint-mode        endpoint_mode not vip or dnsrr
 *   swarm.dnsrr-ingress        endpoint_mode dnsrr with ports published in ingress mode
 *   swarm.port-spec            long-syntax port mode (ingress, host) or protocol (tcp, udp, sctp)
 *   swarm.port-conflict        a published port used twice (ingress is cluster-wide, so
 *                              across services too; host mode within one service)
 *   swarm.undefined-network    service network / secret / config / named volume
 *   swarm.undefined-secret     not declared at the top level ("default" network is
 *   swarm.undefined-config     always defined)
 *   swarm.undefined-volume
 *   swarm.external-conflict    external together with keys that then mean nothing
 *                              (error for volumes, as docker; warning otherwise)
 *   swarm.missing-image        a service without image
 *   swarm.secret-file          a secret/config file that does not exist or is not a
 *   swarm.config-file          regular file
 * Everything is an error except: external-conflict on networks, secrets and
 * configs (warning), and missing-image, secret-file, config-file, which are
 * warnings unless deploy is set (they only matter when deploying).
 *
 * gaps (NULL: none) says where earlier phases took failed values out of the
 * tree; no rule reads a value that depends on one (see struct rules_gaps).
 *
 * Returns -1 if any error was reported.
 */
#ifndef STACKC_CHECK_RULES_H
#define STACKC_CHECK_RULES_H

#include <stddef.h>

struct node;
struct path_steps;
struct run;

/*
 * Where an earlier phase took a value out because it failed a check (a
 * forbidden key, interpolation, a cast, the schema, normalization): paths of
 * mapping keys, cut before the first list item (a failed item is taken out
 * whole; a path through an item leaves the whole list in doubt). Every gap
 * comes with an error of its own, so the rules only stay quiet about it:
 *   - nothing is reported at or below a gap (the value there may be another
 *     file's, which the failed one would have replaced);
 *   - services.S.image: S is not "without image";
 *   - a section (networks, volumes, secrets, configs) or a declaration in it:
 *     references to it are not "undefined"; anything inside a declaration:
 *     no external-conflict or file check for it (they read external,
 *     driver and file together);
 *   - services.S.deploy.mode: no replicas-global or max-replicas-global;
 *     deploy.endpoint_mode: no dnsrr-ingress; services.S.ports: S's ports
 *     take part in no port check.
 */
struct rules_gap {
	const char **keys; /* borrowed from the trees: they outlive the rules */
	size_t n;
};

struct rules_gaps {
	struct rules_gap *v;
	size_t n, alloc;
};

#define RULES_GAPS_INIT { NULL, 0, 0 }

/* Note a gap at the path (its keys up to the first list item). */
void rules_gaps_add(struct rules_gaps *g, const struct path_steps *at);
void rules_gaps_release(struct rules_gaps *g);

int swarm_rules_check(struct run *run, const struct node *root, int deploy,
		      const struct rules_gaps *gaps);

/*
 * For tests: whether s is a valid image reference, checking that the
 * hand-written matcher swarm.image-ref uses agrees with docker's grammar as a
 * regular expression (pcre2). Returns 1 or 0, or -1 when they disagree.
 */
int swarm_image_ref_selftest(const char *s);

#endif
