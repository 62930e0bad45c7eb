/* Forbidden and swarm-ignored service keys (docker's types.go lists, plus the silent ones), and keys the 3.x format lacks. */
#include "check/keys.h"
#include "base/diag.h"
#include "base/hash.h"
#include "base/path.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/spec.h"

#include <stdint.h>
#include <string.h>

static const char resources_hint[] = "set resource limits under deploy.resources instead";

struct key_why {
	const char *key;
	const char *why;
};

static const struct key_why forbidden[] = {
	{ "cpu_quota", resources_hint },
	{ "cpu_shares", resources_hint },
	{ "cpuset", resources_hint },
	{ "extends", "docker stack does not implement extends; use several -f files or YAML anchors" },
	{ "mem_limit", resources_hint },
	{ "memswap_limit", resources_hint },
	{ "volume_driver", "define the volume under the top-level volumes with its driver, and mount it here" },
	{ "volumes_from", "define the volume under the top-level volumes and mount it in every service that shares it" },
}, ignored[] = {
	{ "build", "swarm does not build images; build and push the image, then set image" },
	{ "cgroup_parent", "not supported for swarm services" },
	{ "cgroupns_mode", "not supported for swarm services" },
	{ "container_name", "swarm names the containers of a service itself (deprecated)" },
	{ "depends_on", "swarm starts services in any order and restarts them until they work" },
	{ "devices", "not supported for swarm services" },
	{ "domainname", "not supported for swarm services" },
	{ "expose", "services on the same network reach each other on any port (deprecated)" },
	{ "external_links", "not supported for swarm services; attach the services to a shared network" },
	{ "ipc", "not supported for swarm services" },
	{ "links", "services on the same network reach each other by service name" },
	{ "mac_address", "not supported for swarm services" },
	{ "network_mode", "not supported for swarm services; use networks" },
	{ "oom_score_adj", "docker stack drops it without a warning" },
	{ "pid", "not supported for swarm services" },
	{ "privileged", "swarm services cannot be privileged; use cap_add for single capabilities" },
	{ "restart", NULL /* depends on deploy.restart_policy, see below */ },
	{ "security_opt", "not supported for swarm services" },
	{ "shm_size", "not supported for swarm services; mount a tmpfs volume at /dev/shm" },
	{ "tmpfs", "docker stack drops it without a warning; use a volumes entry with type: tmpfs" },
	{ "userns_mode", "not supported for swarm services" },
};

/*
 * Both tables in one open-addressing hash table, built on first use: a
 * service key that is in neither (nearly all) costs one hash and usually
 * one probe of an empty slot.
 */
#define KEY_SLOTS 128 /* a power of two, well above the 29 keys */

static struct {
	const struct key_why *kw; /* NULL: empty */
	uint32_t hash;
	int forbidden;
} slots[KEY_SLOTS];

static void add_keys(const struct key_why *kw, size_t n, int is_forbidden)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t h = hash_str(kw[i].key), j = h & (KEY_SLOTS - 1);
		while (slots[j].kw)
			j = (j + 1) & (KEY_SLOTS - 1);
		slots[j].kw = &kw[i];
		slots[j].hash = h;
		slots[j].forbidden = is_forbidden;
	}
}

static const char *lookup(const char *key, int *is_forbidden)
{
	static int built;
	if (!built) {
		add_keys(forbidden, ARRAY_SIZE(forbidden), 1);
		add_keys(ignored, ARRAY_SIZE(ignored), 0);
		built = 1;
	}
	uint32_t h = hash_str(key);
	for (uint32_t j = h & (KEY_SLOTS - 1); slots[j].kw; j = (j + 1) & (KEY_SLOTS - 1)) {
		if (slots[j].hash == h && !strcmp(slots[j].kw->key, key)) {
			*is_forbidden = slots[j].forbidden;
			return slots[j].kw->why ? slots[j].kw->why : "";
		}
	}
	return NULL;
}

/*
 * Keys the 3.x format lacks, by where they are (a schema definition, ""
 * for the top level), as word lists: the Compose Specification's
 * (compose-spec.json's network, secret and config keys that docker's 3.x
 * schemas do not have; its service keys are lowering's, spec_service_key()),
 * then deploy keys written one level too high. Few lookups (one per unknown
 * key): a scan.
 */
static const struct {
	const char *where, *keys;
} spec_keys[] = {
	{ "", "include models name" },
	{ "config", "content environment" },
	{ "network", "enable_ipv4 enable_ipv6" },
	{ "secret", "environment" },
};

static const char deploy_keys[] = "endpoint_mode mode placement replicas resources "
				  "restart_policy rollback_config update_config";

/* what to do instead, where there is something (the keys are nowhere else) */
static const struct key_why spec_hints[] = {
	{ "content", "write the content to a file and set file" },
	{ "cpu_count", resources_hint },
	{ "cpu_percent", resources_hint },
	{ "cpus", "use deploy.resources.limits.cpus" },
	{ "include", "list each file with -f instead" },
	{ "mem_reservation", "use deploy.resources.reservations.memory" },
	{ "name", "docker stack takes the stack name from its command line" },
	{ "pids_limit", "use deploy.resources.limits.pids" },
	{ "platform", "use deploy.placement.constraints (node.platform.os, node.platform.arch)" },
	{ "profiles", "docker stack deploys every service of the file" },
	{ "scale", "use deploy.replicas" },
};

/* key is one of the space-separated words */
static int is_word_of(const char *words, const char *key)
{
	size_t n = strlen(key);
	for (const char *w = words; (w = strstr(w, key)); w += n)
		if ((w == words || w[-1] == ' ') && (w[n] == ' ' || !w[n]))
			return 1;
	return 0;
}

/* key is a Compose Specification key that the 3.x format lacks, in where */
static int spec_key(const char *where, const char *key)
{
	int is_forbidden;
	if (!strcmp(where, "service")) /* lowering's table, less the keys the tables above explain */
		return spec_service_key(key) && !lookup(key, &is_forbidden);
	for (size_t i = 0; i < ARRAY_SIZE(spec_keys); i++)
		if (!strcmp(spec_keys[i].where, where))
			return is_word_of(spec_keys[i].keys, key);
	return 0;
}

int schema_misplaced_key(struct sbuf *out, const char *where, const char *key)
{
	if (!strcmp(where, "service") && is_word_of(deploy_keys, key)) {
		sb_printf(out, " (did you mean deploy.%s?)", key);
		return 1;
	}
	if (!spec_key(where, key))
		return 0;
	sb_puts(out, ": a Compose Specification key that docker stack does not read");
	for (size_t h = 0; h < ARRAY_SIZE(spec_hints); h++)
		if (!strcmp(spec_hints[h].key, key))
			sb_printf(out, "; %s", spec_hints[h].why);
	return 1;
}

/* NULL when restart is really ignored (deploy.restart_policy wins). */
static const char *restart_converted(const struct node *svc)
{
	const struct node *deploy = node_map_get(svc, "deploy");
	if (deploy && deploy->kind == NODE_MAP && node_map_get(deploy, "restart_policy"))
		return NULL;
	const char *r = node_str(node_map_get(svc, "restart"));
	if (!r)
		return "";
	if (!strcmp(r, "no"))
		return "none";
	if (!strcmp(r, "always") || !strcmp(r, "unless-stopped"))
		return "any";
	if (!strncmp(r, "on-failure", 10))
		return "on-failure";
	return "";
}

int schema_check_keys(struct run *run, struct node *root)
{
	const struct node *services = root && root->kind == NODE_MAP ? node_map_get(root, "services") : NULL;
	int ret = 0;
	if (!services || services->kind != NODE_MAP)
		return 0;
	struct sbuf path = SBUF_INIT;
	for (size_t i = 0; i < services->map.n; i++) {
		const struct node_entry *s = &services->map.v[i];
		if (s->val->kind != NODE_MAP)
			continue;
		for (size_t k = 0; k < s->val->map.n; k++) {
			struct node_entry *e = &s->val->map.v[k];
			int is_forbidden = 0;
			const char *why = lookup(e->key, &is_forbidden);
			if (!why)
				continue;
			sbuf_reset(&path);
			path_push_key(&path, "services");
			path_push_key(&path, s->key);
			const char *cond = *why ? NULL : restart_converted(s->val);
			if (!*why && cond) {
				/* docker stack deploy does use restart when there is no restart_policy */
				diag_add(&run->diag, DIAG_WARNING, "swarm.ignored-key", e->keypos, path.buf,
					 "restart: docker stack converts it to deploy.restart_policy%s%s%s; "
					 "write that instead", *cond ? " (condition: " : "", cond,
					 *cond ? ")" : "");
				continue;
			}
			if (!*why)
				why = "deploy.restart_policy takes precedence";
			if (is_forbidden) {
				ret = diag_add(&run->diag, DIAG_ERROR, "swarm.forbidden-key", e->keypos,
					       path.buf, "%s is not supported by docker stack: %s", e->key, why);
				e->val->flags |= NODE_FAILED; /* not also an unknown key to the schema */
			} else {
				diag_add(&run->diag, DIAG_WARNING, "swarm.ignored-key", e->keypos, path.buf,
					 "%s is ignored by docker stack: %s", e->key, why);
			}
		}
	}
	sbuf_release(&path);
	return ret;
}
