/*
 * Service keys that docker stack refuses or ignores, checked on each raw
 * file (before interpolation, as docker does; only the direct keys of each
 * service are looked at).
 *
 *  - forbidden (extends, volume_driver, volumes_from, cpu_quota, cpu_shares,
 *    cpuset, mem_limit, memswap_limit): an error at the key, rule
 *    swarm.forbidden-key, saying what to write instead;
 *  - ignored by swarm (build, cgroupns_mode, cgroup_parent, devices,
 *    domainname, external_links, ipc, links, mac_address, network_mode,
 *    pid, privileged, restart, security_opt, shm_size, userns_mode; the
 *    deprecated container_name and expose; and depends_on, oom_score_adj
 *    and service tmpfs, which docker drops without a word): a warning at
 *    the key, rule swarm.ignored-key.
 *
 * Returns -1 if an error was reported; a forbidden key's value is marked
 * NODE_FAILED (the schema then skips it). A root or services that is not a
 * mapping is left to the schema.
 */
#ifndef STACKC_CHECK_KEYS_H
#define STACKC_CHECK_KEYS_H

struct node;
struct run;
struct sbuf;

int schema_check_keys(struct run *run, struct node *root);

/*
 * What to say of key, unknown to the 3.x schema, in a mapping of the schema
 * definition where ("service", "network", "secret", "config"; "" for the
 * top level), when it is a known mistake rather than a misspelling: a
 * Compose Specification key that docker stack does not read (develop,
 * profiles, pull_policy, top-level name, ...: ": a Compose Specification key
 * that docker stack does not read[; hint]"), or a deploy key written in the
 * service (" (did you mean deploy.replicas?)"). Appends the words to out
 * and returns 1, else returns 0.
 */
int schema_misplaced_key(struct sbuf *out, const char *where, const char *key);

#endif
