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
 * Returns -1 if any error was reported.
 */
#ifndef STACKC_CHECK_RULES_H
#define STACKC_CHECK_RULES_H

struct node;
struct run;

int swarm_rules_check(struct run *run, const struct node *root, int deploy);

/*
 * For tests: whether s is a valid image reference, checking that the
 * hand-written matcher swarm.image-ref uses agrees with docker's grammar as a
 * regular expression (pcre2). Returns 1 or 0, or -1 when they disagree.
 */
int swarm_image_ref_selftest(const char *s);

#endif
