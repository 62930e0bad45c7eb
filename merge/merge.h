/*
 * Multi-file merge, as docker stack config/deploy merge their -c files
 * (cli/compose/loader/merge.go with mergo at v28.2.2), on trees already in
 * docker's output shape (see normalize):
 *
 *  - services: union by name; a service in both files is merged field by
 *    field, each by its rule in the compose model (compose/model.h):
 *    scalars when the override is non-empty; replicas, parallelism,
 *    max_attempts, retries whenever present (0 too); init and pointer
 *    durations when the base lacks them, else when non-empty/non-zero;
 *    command/entrypoint replaced when non-empty; environment and build.args
 *    by key, an empty or null override only replacing an empty or null
 *    value; labels, sysctls, driver_opts, logging options by key (including
 *    ""); ports by published, volumes by target, secrets/configs by source,
 *    collapsed (last wins) and sorted even when the override has no such
 *    list; ulimits per name; logging by driver; service networks (aliases
 *    replaced, addresses when set, driver_opts kept, null ignored); every
 *    other list appended; nested objects recursively; x-* deep merged (maps
 *    merged, lists appended, null and scalars replace). Result sorted by name.
 *  - top-level networks, volumes, secrets, configs: replaced per name.
 *  - version and root x-* come from base only.
 *
 * base and override are consumed: the result reuses (and changes) their
 * nodes, which keep their positions. *out is base's root. Linear: large maps
 * (services, environments) are paired through a hash table, never by a scan
 * per entry.
 *
 * Errors (reported to run->diag, return -1): a value that cannot be merged
 * (docker: "cannot append two slices with different type", for an x-* list
 * over a scalar or mapping), or a tree that is not in the output shape.
 * Version mismatches are the caller's to check.
 */
#ifndef STACKC_MERGE_MERGE_H
#define STACKC_MERGE_MERGE_H

struct node;
struct run;

int merge_files(struct node **out, struct run *run, struct node *base, struct node *override);

#endif
