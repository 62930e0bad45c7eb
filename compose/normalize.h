/*
 * Per-file normalization (docker's loader step 6d): one interpolated,
 * schema-valid file tree → exactly the shape `docker stack config` prints for
 * that file alone (docker CLI 28.2.2), key order aside (the emitter orders
 * maps). What happens, as docker's typed structs and yaml.v3 would do it:
 *
 *  - short syntaxes expanded: ports ("80:80", ranges, protocols lower-cased,
 *    host IPs dropped with a warning), volumes ("./a:/b:ro", ~, Windows
 *    paths), secrets/configs refs, service networks list, build string,
 *    command/entrypoint (shlex), healthcheck.test string, dns/dns_search/
 *    env_file/tmpfs strings, extra_hosts map/list forms;
 *  - environment: list → map, env_file files read (kvfile rules) and merged
 *    under it, null/empty values replaced by the process environment;
 *    labels/sysctls/driver_opts/... values turned into strings (Go %v);
 *  - durations printed as Go durations, memory sizes as byte-count strings,
 *    relative bind sources and secret/config files made absolute against
 *    o->workdir, `~` expanded with o->home;
 *  - top-level networks/volumes/secrets/configs: null → {}, external name
 *    defaulting, external.name deprecation (warning), conflicts (error);
 *  - keys docker does not model are dropped (oom_score_adj, build.shm_size,
 *    unknown keys in objects the schema leaves open, x-* inside non-external
 *    networks and volumes), zero values dropped where docker's omitempty
 *    drops them, kept where the Go field is a pointer (replicas: 0, ...);
 *  - root: `version` is left as it is (the driver normalizes it), root x-*
 *    are kept unchanged, `services` is always present (an empty map when the
 *    file has none).
 *
 * Node kinds in the result are what yaml.v3 prints: strings that docker
 * prints quoted ("52428800", label "1024") are NODE_STR; ports, replicas,
 * modes, ulimits are NODE_INT; max_failure_ratio is a NODE_FLOAT whose text
 * is Go's float32 text. Created nodes carry the position of the source node
 * they come from (env-file values: the env file's own line, the file being
 * added to run->sources).
 *
 * Every problem is reported to run->diag at the offending node (path like
 * `services.web.ports[0]`); processing continues so all errors are seen.
 * Messages are stackc's own; the conflict, port-IP and deprecation texts
 * keep docker's wording. Env-file errors point into the env file (added to
 * run->sources with its values cut off, so excerpts never show a value).
 *
 * Known differences from docker: a Windows drive letter in a short volume
 * must be an ASCII letter (docker takes any Unicode letter, so `é:/x` is a
 * drive there); an external volume with x-cluster-spec is normalized
 * instead of crashing as `docker stack config` does.
 */
#ifndef STACKC_COMPOSE_NORMALIZE_H
#define STACKC_COMPOSE_NORMALIZE_H

struct node;
struct path_steps;
struct run;

struct normalize_opts {
	const char *workdir; /* absolute; relative paths resolve against it (the FIRST file's dir) */
	const char *home;    /* for ~ expansion; NULL = unset (warning when needed) */
	/* process-environment lookup for environment/env_file resolution; NULL = nothing set */
	const char *(*getenv)(void *ctx, const char *name);
	void *getenv_ctx;
	/* told the path of each error: the value there is left out or incomplete; NULL = nobody */
	void (*failed_at)(void *ctx, const struct path_steps *at);
	void *failed_ctx;
};

/*
 * Transform the tree of one file. root must be a mapping (the loader's
 * top-level check). *out receives the normalized root (a new tree that may
 * reuse nodes of root: root must not be used afterwards). Returns 0, or -1
 * if any error was reported (*out is then still set, but partial).
 */
int normalize_file(struct node **out, struct run *run, struct node *root,
		   const struct normalize_opts *o);

#endif
