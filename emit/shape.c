/*
 * The printed key order of every object docker's compose model knows, as
 * tables (field declaration order in cli/compose/types/types.go, v28.2.2),
 * plus yaml.v3's natural key sort and Go's float text.
 */
#include "emit/shape.h"
#include "base/node.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <math.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== the object types, leaves first ==== */

#define FIELDS(name) name##_fields, ARRAY_SIZE(name##_fields)
#define STRUCT(name, flags) { SHAPE_STRUCT, flags, FIELDS(name), NULL }
#define PTR 0u
#define VAL SHAPE_F_VALUE

const struct shape shape_any = { SHAPE_ANY, 0, NULL, 0, NULL };
static const struct shape float32_shape = { SHAPE_ANY, SHAPE_F_FLOAT32, NULL, 0, NULL };
static const struct shape_field none_fields[1] = { { NULL, NULL } };
/* struct{} types (ServiceVolumeCluster, BlockVolume) print {} */
static const struct shape empty_struct = { SHAPE_STRUCT, PTR, none_fields, 0, NULL };

static const struct shape_field ulimit_fields[] = {
	{ "soft", NULL }, { "hard", NULL },
};
static const struct shape ulimit = STRUCT(ulimit, PTR);

static const struct shape_field svc_network_fields[] = {
	{ "aliases", NULL }, { "driver_opts", NULL }, { "ipv4_address", NULL },
	{ "ipv6_address", NULL },
};
static const struct shape svc_network = STRUCT(svc_network, PTR);

static const struct shape_field port_fields[] = {
	{ "mode", NULL }, { "target", NULL }, { "published", NULL }, { "protocol", NULL },
};
static const struct shape port = STRUCT(port, VAL);

static const struct shape_field vol_bind_fields[] = { { "propagation", NULL } };
static const struct shape vol_bind = STRUCT(vol_bind, PTR);
static const struct shape_field vol_volume_fields[] = { { "nocopy", NULL }, { "subpath", NULL } };
static const struct shape vol_volume = STRUCT(vol_volume, PTR);
static const struct shape_field vol_image_fields[] = { { "subpath", NULL } };
static const struct shape vol_image = STRUCT(vol_image, PTR);
static const struct shape_field vol_tmpfs_fields[] = { { "size", NULL } };
static const struct shape vol_tmpfs = STRUCT(vol_tmpfs, PTR);

static const struct shape_field svc_volume_fields[] = {
	{ "type", NULL }, { "source", NULL }, { "target", NULL }, { "read_only", NULL },
	{ "consistency", NULL }, { "bind", &vol_bind }, { "volume", &vol_volume },
	{ "image", &vol_image }, { "tmpfs", &vol_tmpfs }, { "cluster", &empty_struct },
};
static const struct shape svc_volume = STRUCT(svc_volume, VAL);

static const struct shape_field fileref_fields[] = {
	{ "source", NULL }, { "target", NULL }, { "uid", NULL }, { "gid", NULL }, { "mode", NULL },
};
static const struct shape fileref = STRUCT(fileref, VAL);

static const struct shape_field logging_fields[] = { { "driver", NULL }, { "options", NULL } };
static const struct shape logging = STRUCT(logging, PTR);

static const struct shape_field credspec_fields[] = {
	{ "config", NULL }, { "file", NULL }, { "registry", NULL },
};
static const struct shape credspec = STRUCT(credspec, VAL);

static const struct shape_field healthcheck_fields[] = {
	{ "test", NULL }, { "timeout", NULL }, { "interval", NULL }, { "retries", NULL },
	{ "start_period", NULL }, { "start_interval", NULL }, { "disable", NULL },
};
static const struct shape healthcheck = STRUCT(healthcheck, PTR);

static const struct shape_field update_fields[] = {
	{ "parallelism", NULL }, { "delay", NULL }, { "failure_action", NULL },
	{ "monitor", NULL }, { "max_failure_ratio", &float32_shape }, { "order", NULL },
};
static const struct shape update = STRUCT(update, PTR);

static const struct shape_field discrete_fields[] = { { "kind", NULL }, { "value", NULL } };
static const struct shape discrete = STRUCT(discrete, PTR);
static const struct shape_field generic_resource_fields[] = {
	{ "discrete_resource_spec", &discrete },
};
static const struct shape generic_resource = STRUCT(generic_resource, VAL);
static const struct shape generic_resources = { SHAPE_LIST, 0, NULL, 0, &generic_resource };

static const struct shape_field limits_fields[] = {
	{ "cpus", NULL }, { "memory", NULL }, { "pids", NULL },
};
static const struct shape limits = STRUCT(limits, PTR);
static const struct shape_field reservations_fields[] = {
	{ "cpus", NULL }, { "memory", NULL }, { "generic_resources", &generic_resources },
};
static const struct shape reservations = STRUCT(reservations, PTR);
static const struct shape_field resources_fields[] = {
	{ "limits", &limits }, { "reservations", &reservations },
};
static const struct shape resources = STRUCT(resources, VAL);

static const struct shape_field restart_fields[] = {
	{ "condition", NULL }, { "delay", NULL }, { "max_attempts", NULL }, { "window", NULL },
};
static const struct shape restart = STRUCT(restart, PTR);

static const struct shape_field preference_fields[] = { { "spread", NULL } };
static const struct shape preference = STRUCT(preference, VAL);
static const struct shape preferences = { SHAPE_LIST, 0, NULL, 0, &preference };
static const struct shape_field placement_fields[] = {
	{ "constraints", NULL }, { "preferences", &preferences }, { "max_replicas_per_node", NULL },
};
static const struct shape placement = STRUCT(placement, VAL);

static const struct shape_field deploy_fields[] = {
	{ "mode", NULL }, { "replicas", NULL }, { "labels", NULL },
	{ "update_config", &update }, { "rollback_config", &update },
	{ "resources", &resources }, { "restart_policy", &restart },
	{ "placement", &placement }, { "endpoint_mode", NULL },
};
static const struct shape deploy = STRUCT(deploy, VAL);

static const struct shape_field build_fields[] = {
	{ "context", NULL }, { "dockerfile", NULL }, { "args", NULL }, { "labels", NULL },
	{ "cache_from", NULL }, { "extra_hosts", NULL }, { "network", NULL }, { "target", NULL },
};
static const struct shape build = STRUCT(build, VAL);

static const struct shape ports = { SHAPE_LIST, 0, NULL, 0, &port };
static const struct shape svc_volumes = { SHAPE_LIST, 0, NULL, 0, &svc_volume };
static const struct shape filerefs = { SHAPE_LIST, 0, NULL, 0, &fileref };
static const struct shape svc_networks = { SHAPE_DICT, 0, NULL, 0, &svc_network };
static const struct shape ulimits = { SHAPE_DICT, 0, NULL, 0, &ulimit };

static const struct shape_field service_fields[] = {
	{ "build", &build }, { "cap_add", NULL }, { "cap_drop", NULL },
	{ "cgroupns_mode", NULL }, { "cgroup_parent", NULL }, { "command", NULL },
	{ "configs", &filerefs }, { "container_name", NULL }, { "credential_spec", &credspec },
	{ "depends_on", NULL }, { "deploy", &deploy }, { "devices", NULL }, { "dns", NULL },
	{ "dns_search", NULL }, { "domainname", NULL }, { "entrypoint", NULL },
	{ "environment", NULL }, { "env_file", NULL }, { "expose", NULL },
	{ "external_links", NULL }, { "extra_hosts", NULL }, { "hostname", NULL },
	{ "healthcheck", &healthcheck }, { "image", NULL }, { "init", NULL }, { "ipc", NULL },
	{ "isolation", NULL }, { "labels", NULL }, { "links", NULL }, { "logging", &logging },
	{ "mac_address", NULL }, { "network_mode", NULL }, { "networks", &svc_networks },
	{ "pid", NULL }, { "ports", &ports }, { "privileged", NULL }, { "read_only", NULL },
	{ "restart", NULL }, { "secrets", &filerefs }, { "security_opt", NULL },
	{ "shm_size", NULL }, { "stdin_open", NULL }, { "stop_grace_period", NULL },
	{ "stop_signal", NULL }, { "sysctls", NULL }, { "tmpfs", NULL }, { "tty", NULL },
	{ "ulimits", &ulimits }, { "user", NULL }, { "userns_mode", NULL },
	{ "volumes", &svc_volumes }, { "working_dir", NULL },
};
static const struct shape service = STRUCT(service, VAL);

/* External.MarshalYAML: a bool, or {name} for the deprecated form */
static const struct shape_field external_fields[] = { { "name", NULL }, { "external", NULL } };
static const struct shape external = STRUCT(external, VAL);

static const struct shape_field ipam_pool_fields[] = { { "subnet", NULL } };
static const struct shape ipam_pool = STRUCT(ipam_pool, PTR);
static const struct shape ipam_pools = { SHAPE_LIST, 0, NULL, 0, &ipam_pool };
static const struct shape_field ipam_fields[] = { { "driver", NULL }, { "config", &ipam_pools } };
static const struct shape ipam = STRUCT(ipam, VAL);

static const struct shape_field network_fields[] = {
	{ "name", NULL }, { "driver", NULL }, { "driver_opts", NULL }, { "ipam", &ipam },
	{ "external", &external }, { "internal", NULL }, { "attachable", NULL }, { "labels", NULL },
};
static const struct shape network = STRUCT(network, VAL);

static const struct shape_field mount_volume_fields[] = {
	{ "fs_type", NULL }, { "mount_flags", NULL },
};
static const struct shape mount_volume = STRUCT(mount_volume, PTR);
static const struct shape_field access_mode_fields[] = {
	{ "scope", NULL }, { "sharing", NULL }, { "mount_volume", &mount_volume },
	{ "block_volume", &empty_struct },
};
static const struct shape access_mode = STRUCT(access_mode, PTR);
static const struct shape_field topology_fields[] = { { "segments", NULL } };
static const struct shape topology = STRUCT(topology, VAL);
static const struct shape topologies = { SHAPE_LIST, 0, NULL, 0, &topology };
static const struct shape_field topology_req_fields[] = {
	{ "requisite", &topologies }, { "preferred", &topologies },
};
static const struct shape topology_req = STRUCT(topology_req, PTR);
static const struct shape_field capacity_fields[] = {
	{ "required_bytes", NULL }, { "limit_bytes", NULL },
};
static const struct shape capacity = STRUCT(capacity, PTR);
static const struct shape_field volume_secret_fields[] = { { "key", NULL }, { "secret", NULL } };
static const struct shape volume_secret = STRUCT(volume_secret, VAL);
static const struct shape volume_secrets = { SHAPE_LIST, 0, NULL, 0, &volume_secret };
static const struct shape_field cluster_spec_fields[] = {
	{ "group", NULL }, { "access_mode", &access_mode },
	{ "accessibility_requirements", &topology_req }, { "capacity_range", &capacity },
	{ "secrets", &volume_secrets }, { "availability", NULL },
};
static const struct shape cluster_spec = STRUCT(cluster_spec, PTR);

static const struct shape_field volume_fields[] = {
	{ "name", NULL }, { "driver", NULL }, { "driver_opts", NULL }, { "external", &external },
	{ "labels", NULL }, { "x-cluster-spec", &cluster_spec },
};
static const struct shape volume = STRUCT(volume, VAL);

/* secrets and configs (FileObjectConfig) */
static const struct shape_field fileobj_fields[] = {
	{ "name", NULL }, { "file", NULL }, { "external", &external }, { "labels", NULL },
	{ "driver", NULL }, { "driver_opts", NULL }, { "template_driver", NULL },
};
static const struct shape fileobj = STRUCT(fileobj, VAL);

static const struct shape services = { SHAPE_DICT, 0, NULL, 0, &service };
static const struct shape networks = { SHAPE_DICT, 0, NULL, 0, &network };
static const struct shape volumes = { SHAPE_DICT, 0, NULL, 0, &volume };
static const struct shape fileobjs = { SHAPE_DICT, 0, NULL, 0, &fileobj };

static const struct shape_field root_fields[] = {
	{ "version", NULL }, { "services", &services }, { "networks", &networks },
	{ "volumes", &volumes }, { "secrets", &fileobjs }, { "configs", &fileobjs },
};
const struct shape shape_root = STRUCT(root, VAL);

/*
 * (struct shape, key) → field number, for every struct shape reachable from
 * shape_root: a hash table built on first use, so a lookup costs one hash
 * and one strcmp however many fields the struct has.
 */
#define FIELD_SLOTS 1024 /* a power of two, well above twice the fields of all shapes */

static struct field_slot {
	const struct shape *s;
	unsigned idx;
} field_slots[FIELD_SLOTS];

static size_t field_hash(const struct shape *s, const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return (h ^ (uint32_t)((uintptr_t)s >> 4) * 2654435761u) & (FIELD_SLOTS - 1);
}

static int field_lookup(const struct shape *s, const char *key)
{
	for (size_t i = field_hash(s, key); field_slots[i].s; i = (i + 1) & (FIELD_SLOTS - 1)) {
		const struct field_slot *fs = &field_slots[i];
		if (fs->s == s && !strcmp(s->fields[fs->idx].key, key))
			return (int)fs->idx;
	}
	return -1;
}

static void index_shape(const struct shape *s)
{
	if (!s)
		return;
	if (s->kind == SHAPE_STRUCT && s->nfields && field_lookup(s, s->fields[0].key) < 0) {
		for (size_t f = 0; f < s->nfields; f++) {
			if (field_lookup(s, s->fields[f].key) >= 0)
				BUG("field %s twice in a shape", s->fields[f].key); /* shape_order's walk relies on it */
			size_t i = field_hash(s, s->fields[f].key);
			while (field_slots[i].s)
				i = (i + 1) & (FIELD_SLOTS - 1);
			field_slots[i] = (struct field_slot){ s, (unsigned)f };
		}
		for (size_t f = 0; f < s->nfields; f++)
			index_shape(s->fields[f].shape);
	}
	index_shape(s->elem);
}

/*
 * The field number of key in struct shape s, or -1. Keys mostly come from
 * the normalizer's static strings, so answers are remembered by address
 * too; an address can be reused by another string later, so a remembered
 * answer is checked (by address first, which is the usual case).
 */
#define FIELD_MEMO 512

static int field_of(const struct shape *s, const char *key)
{
	static int indexed;
	static struct {
		const struct shape *s;
		const char *key;
		int idx;
	} memo[FIELD_MEMO];
	if (!indexed) {
		index_shape(&shape_root);
		indexed = 1;
	}
	size_t m = (((uintptr_t)key >> 3) ^ ((uintptr_t)s >> 4)) & (FIELD_MEMO - 1);
	if (memo[m].key == key && memo[m].s == s) {
		const char *fk = s->fields[memo[m].idx].key;
		if (fk == key || !strcmp(fk, key))
			return memo[m].idx;
	}
	int idx = field_lookup(s, key);
	if (idx >= 0) {
		memo[m].s = s;
		memo[m].key = key;
		memo[m].idx = idx;
	}
	return idx;
}

static const struct shape *field_shape(const struct shape *s, int f)
{
	return f >= 0 && s->fields[f].shape ? s->fields[f].shape : &shape_any;
}

const struct shape *shape_child(const struct shape *s, const char *key)
{
	const struct shape *c = NULL;
	int f;
	switch (s->kind) {
	case SHAPE_ANY:
		break;
	case SHAPE_STRUCT:
		f = key ? field_of(s, key) : -1;
		if (f >= 0)
			c = s->fields[f].shape;
		break;
	case SHAPE_DICT:
		if (key)
			c = s->elem;
		break;
	case SHAPE_LIST:
		if (!key)
			c = s->elem;
		break;
	}
	return c ? c : &shape_any;
}

/* ==== natural key order ==== */

/* Decode one rune as Go's []rune(string) does: invalid bytes are U+FFFD. */
static size_t decode_rune(const unsigned char *s, size_t n, uint32_t *r)
{
	unsigned c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*r = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		*r = 0xFFFD;
		return 1;
	}
	if (len > n)
		goto bad;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto bad;
	*r = v;
	return len;
bad:
	*r = 0xFFFD;
	return 1;
}

/* Unicode property test beyond Latin-1, by PCRE2 (compiled once, kept). */
static int has_property(uint32_t r, int digit)
{
	static pcre2_code *re[2];
	static pcre2_match_data *md;
	if (!re[digit]) {
		int err;
		PCRE2_SIZE off;
		const char *pat = digit ? "^\\p{Nd}" : "^\\p{L}";
		re[digit] = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err,
					  &off, NULL);
		if (!re[digit])
			BUG("cannot compile %s", pat);
		if (!md)
			md = pcre2_match_data_create(1, NULL);
	}
	unsigned char buf[4];
	size_t n;
	if (r < 0x800) {
		buf[0] = (unsigned char)(0xC0 | (r >> 6));
		buf[1] = (unsigned char)(0x80 | (r & 0x3F));
		n = 2;
	} else if (r < 0x10000) {
		buf[0] = (unsigned char)(0xE0 | (r >> 12));
		buf[1] = (unsigned char)(0x80 | ((r >> 6) & 0x3F));
		buf[2] = (unsigned char)(0x80 | (r & 0x3F));
		n = 3;
	} else {
		buf[0] = (unsigned char)(0xF0 | (r >> 18));
		buf[1] = (unsigned char)(0x80 | ((r >> 12) & 0x3F));
		buf[2] = (unsigned char)(0x80 | ((r >> 6) & 0x3F));
		buf[3] = (unsigned char)(0x80 | (r & 0x3F));
		n = 4;
	}
	return pcre2_match(re[digit], buf, n, 0, PCRE2_NO_UTF_CHECK, md, NULL) > 0;
}

/* Go's unicode.IsLetter / unicode.IsDigit */
static int rune_is_letter(uint32_t r)
{
	if (r <= 0xFF)
		return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || r == 0xAA || r == 0xB5 ||
		       r == 0xBA || (r >= 0xC0 && r <= 0xFF && r != 0xD7 && r != 0xF7);
	return has_property(r, 0);
}

static int rune_is_digit(uint32_t r)
{
	if (r <= 0xFF)
		return r >= '0' && r <= '9';
	return has_property(r, 1);
}

/* A key read rune by rune, as Go's range over []rune(key). */
struct rune_reader {
	const unsigned char *s;
	size_t len, at;
};

/* The next rune into *r; 0 at the end. */
static inline int next_rune(struct rune_reader *rd, uint32_t *r)
{
	if (rd->at == rd->len)
		return 0;
	rd->at += decode_rune(rd->s + rd->at, rd->len - rd->at, r);
	return 1;
}

/*
 * The digit run that starts with r (already read), as sorter.go reads it:
 * its value added to *num (an int64 that wraps, like Go's) and its length
 * in runes.
 */
static size_t digit_run(struct rune_reader *rd, uint32_t r, uint64_t *num)
{
	size_t n = 0;
	while (rune_is_digit(r)) {
		*num = *num * 10 + (uint64_t)((int64_t)r - '0');
		n++;
		if (!next_rune(rd, &r))
			break;
	}
	return n;
}

/* sorter.go's keyList.Less for two strings, reading both keys once. */
static int natural_less(const char *as, size_t alen, const char *bs, size_t blen)
{
	struct rune_reader a = { (const unsigned char *)as, alen, 0 };
	struct rune_reader b = { (const unsigned char *)bs, blen, 0 };
	/* the equal runes read so far end in a digit (a digit run with a non-zero digit) */
	int digits = 0, nonzero = 0;
	uint32_t x, y;
	for (;;) {
		int more_a = next_rune(&a, &x), more_b = next_rune(&b, &y);
		if (!more_a || !more_b)
			return !more_a && more_b; /* a prefix first */
		if (x == y) {
			digits = rune_is_digit(x);
			nonzero = digits && (nonzero || x != '0');
			continue;
		}
		int al = rune_is_letter(x), bl = rune_is_letter(y);
		if (al && bl)
			return x < y;
		if (al || bl)
			return digits ? al : bl;
		/* a leading zero counts when the run has a non-zero digit before it */
		uint64_t an = 0, bn = 0;
		if ((x == '0' || y == '0') && nonzero)
			an = bn = 1;
		size_t ai = digit_run(&a, x, &an), bi = digit_run(&b, y, &bn);
		if (an != bn)
			return (int64_t)an < (int64_t)bn;
		if (ai != bi)
			return ai < bi;
		return x < y;
	}
}

int shape_key_less(const char *a, size_t alen, const char *b, size_t blen)
{
	return natural_less(a, alen, b, blen);
}

/* ==== print order of a map ==== */

struct sort_item {
	const char *key;
	size_t len;
	struct shape_item it;
};

static int item_less(const struct sort_item *a, const struct sort_item *b)
{
	return natural_less(a->key, a->len, b->key, b->len);
}

/*
 * On keys of letters, ASCII digits and other characters the natural order
 * is a strict total order (test_emit__natural_order_is_total), so any
 * stable sort puts them in the one right order. (With digits of other
 * scripts it is not transitive; docker's order of such keys then depends
 * on Go's random map order.) Small maps, usually in order already, take an
 * insertion sort (as Go's sort.Sort does below 13 items); larger ones a
 * merge sort into tmp.
 */
#define INSERTION_MAX 12

static void stable_sort(struct sort_item *v, struct sort_item *tmp, size_t n)
{
	if (n <= INSERTION_MAX) {
		for (size_t i = 1; i < n; i++) {
			struct sort_item x = v[i];
			size_t j = i;
			for (; j > 0 && item_less(&x, &v[j - 1]); j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	size_t n1 = n / 2, n2 = n - n1;
	struct sort_item *b1 = v, *b2 = v + n1, *t = tmp;
	stable_sort(b1, tmp, n1);
	stable_sort(b2, tmp, n2);
	if (!item_less(b2, b1 + n1 - 1))
		return; /* in order already (as keys mostly are) */
	while (n1 > 0 && n2 > 0) {
		if (!item_less(b2, b1)) {
			*t++ = *b1++;
			n1--;
		} else {
			*t++ = *b2++;
			n2--;
		}
	}
	/* what is left of b2 is in place already */
	if (n1 > 0)
		memcpy(t, b1, n1 * sizeof(*t));
	memcpy(v, tmp, (n - n2) * sizeof(*v));
}

/* Most maps are small: their scratch space lives on the stack. */
#define SMALL_MAP 64

/* Sort v[0..n) naturally by key. */
static void sort_natural(struct shape_item *v, size_t n)
{
	if (n < 2)
		return;
	struct sort_item small[2 * SMALL_MAP];
	struct sort_item *items = n <= SMALL_MAP ? small : xmalloc(2 * n * sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		items[i].key = v[i].e->key;
		items[i].len = strlen(items[i].key);
		items[i].it = v[i];
	}
	stable_sort(items, items + n, n);
	for (size_t i = 0; i < n; i++)
		v[i] = items[i].it;
	if (items != small)
		free(items);
}

void shape_order(struct shape_item *out, const struct shape *s, const struct node *map)
{
	size_t n = map->map.n, k = 0;
	const struct node_entry *v = map->map.v;
	if (!n)
		return;
	if (s->kind != SHAPE_STRUCT) {
		const struct shape *child = s->kind == SHAPE_DICT && s->elem ? s->elem : &shape_any;
		for (size_t i = 0; i < n; i++)
			out[i] = (struct shape_item){ &v[i], child };
		sort_natural(out, n);
		return;
	}
	/*
	 * The usual case: the normalizer wrote the fields in order, with the
	 * very strings of the tables above (the linker keeps one copy of equal
	 * literals; field keys are unique), so a pointer walk places them.
	 */
	size_t f = 0;
	for (k = 0; k < n; k++, f++) {
		while (f < s->nfields && s->fields[f].key != v[k].key)
			f++;
		if (f == s->nfields)
			break;
		out[k] = (struct shape_item){ &v[k], field_shape(s, (int)f) };
	}
	if (k == n)
		return;
	/* else each field takes the first entry with its key; the rest follow */
	int small_fidx[SMALL_MAP];
	int *fidx = n <= SMALL_MAP ? small_fidx : xmalloc(n * sizeof(*fidx));
	size_t small_first[SMALL_MAP];
	size_t *first = s->nfields <= SMALL_MAP ? small_first : xmalloc(s->nfields * sizeof(*first));
	memset(first, 0, s->nfields * sizeof(*first));
	for (size_t i = 0; i < n; i++) {
		fidx[i] = field_of(s, v[i].key);
		if (fidx[i] >= 0 && !first[fidx[i]])
			first[fidx[i]] = i + 1;
	}
	k = 0;
	for (f = 0; f < s->nfields; f++)
		if (first[f])
			out[k++] = (struct shape_item){ &v[first[f] - 1], field_shape(s, (int)f) };
	size_t known = k;
	for (size_t i = 0; i < n; i++)
		if (fidx[i] < 0 || first[fidx[i]] != i + 1)
			out[k++] = (struct shape_item){ &v[i], field_shape(s, fidx[i]) };
	sort_natural(out + known, n - known);
	if (first != small_first)
		free(first);
	if (fidx != small_fidx)
		free(fidx);
}

/* ==== Go float text ==== */

void shape_format_float(struct sbuf *out, double f, int bits32, char fmt)
{
	char buf[48], digits[24];
	int nd = 0, dp;
	if (signbit(f))
		sb_putc(out, '-');
	f = fabs(f);
	if (f == 0) {
		digits[nd++] = '0';
		dp = 1;
	} else {
		/* the fewest digits that read back as the same value */
		for (int p = 1; p <= 17; p++) {
			snprintf(buf, sizeof(buf), "%.*e", p - 1, f);
			double back = strtod(buf, NULL);
			if (bits32 ? (float)back == (float)f : back == f)
				break;
		}
		char *e = strchr(buf, 'e');
		for (const char *p = buf; p < e; p++)
			if (*p != '.')
				digits[nd++] = *p;
		while (nd > 1 && digits[nd - 1] == '0')
			nd--;
		dp = atoi(e + 1) + 1;
	}
	int exp = dp - 1;
	if (fmt == 'g')
		fmt = f != 0 && (exp < -4 || exp >= 6) ? 'e' : 'f';
	if (fmt == 'e') {
		sb_putc(out, digits[0]);
		if (nd > 1) {
			sb_putc(out, '.');
			sb_put(out, digits + 1, (size_t)nd - 1);
		}
		sb_printf(out, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	if (f == 0) {
		sb_putc(out, '0');
		return;
	}
	if (dp > 0) {
		for (int i = 0; i < dp; i++)
			sb_putc(out, i < nd ? digits[i] : '0');
	} else {
		sb_putc(out, '0');
	}
	if (nd > dp) {
		sb_putc(out, '.');
		for (int i = dp; i < nd; i++)
			sb_putc(out, i < 0 ? '0' : digits[i]);
	}
}

const char *shape_format_int(char digits[SHAPE_INT_DIGITS], const struct node *n, size_t *len)
{
	int neg = !(n->flags & NODE_UNSIGNED) && n->s.v.i < 0;
	uint64_t u = (n->flags & NODE_UNSIGNED) ? n->s.v.u :
		     neg ? 0 - (uint64_t)n->s.v.i : (uint64_t)n->s.v.i;
	size_t at = SHAPE_INT_DIGITS;
	do {
		digits[--at] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		digits[--at] = '-';
	*len = SHAPE_INT_DIGITS - at;
	return digits + at;
}
