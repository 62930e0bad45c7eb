/*
 * Per-file normalization; see normalize.h.
 *
 * The field tables below mirror the structs of docker/cli
 * cli/compose/types (v28.2.2): a field's type decides both the conversion
 * docker's loader applies (its mapstructure transform hooks) and whether a
 * zero value is printed (yaml.v3 omitempty drops zero non-pointer values;
 * pointer fields print even when zero). Keys without a field are dropped,
 * which is how docker loses oom_score_adj or build.shm_size. Like
 * mapstructure, a field is found by its exact key first, then by a
 * case-insensitive match.
 */
#include "compose/normalize.h"
#include "compose/ports.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/path.h"
#include "compose/gocompat.h"
#include "compose/kvfile.h"
#include "compose/load.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/units.h"
#include "base/xalloc.h"
#include "compose/ytime.h"

#include <sys/socket.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum ftype {
	T_STR,         /* string, omitted when "" */
	T_STR_KEEP,    /* string without omitempty */
	T_BOOL,        /* bool, omitted when false */
	T_PBOOL,       /* *bool */
	T_INT,         /* int/int64, omitted when 0 */
	T_INT_KEEP,    /* int64 without omitempty */
	T_UINT,        /* uint64, omitted when 0 */
	T_PUINT,       /* *uint64 */
	T_UINT32,      /* uint32, omitted when 0 */
	T_PUINT32,     /* *uint32 */
	T_FLOAT32,     /* float32, omitted when 0 */
	T_DURATION,    /* Duration, omitted when 0 */
	T_PDURATION,   /* *Duration */
	T_BYTES,       /* UnitBytes: "50M" → "52428800", omitted when 0 */
	T_LIST,        /* []string */
	T_STRLIST,     /* StringList: a string is a one-item list */
	T_EXPOSE,      /* StringOrNumberList */
	T_SHELLCMD,    /* ShellCommand: a string is shlex-split */
	T_HCTEST,      /* HealthCheckTest: a string s is [CMD-SHELL, s] */
	T_MAPEQ,       /* MappingWithEquals: list or map, null kept */
	T_MAPSTR,      /* Mapping, Labels: list or map, null → "" */
	T_MAPSS,       /* map[string]string: map only, null → "" */
	T_HOSTS,       /* HostsList */
	T_EXTERNAL,    /* External: bool, or {name} (see external_of) */
	T_STRUCT,      /* struct, omitted when all fields are zero */
	T_PSTRUCT,     /* *struct, printed ({} when empty) */
	T_LIST_STRUCT, /* []struct */
	T_BUILD,       /* BuildConfig: a string is the context */
	T_PORTS,       /* []ServicePortConfig with the short syntax */
	T_VOLUMES,     /* []ServiceVolumeConfig with the short syntax */
	T_FILEREFS,    /* []ServiceSecretConfig / []ServiceConfigObjConfig */
	T_SVCNETS,     /* map[string]*ServiceNetworkConfig, or a list of names */
	T_ULIMITS,     /* map[string]*UlimitsConfig */
};

struct shape;

struct field {
	const char *key;
	enum ftype type;
	const struct shape *sub;
};

/* key → field number + 1 (0 = empty slot), built on first use */
#define FIELD_SLOTS 128
#define MAX_FIELDS (FIELD_SLOTS / 2)
struct field_index {
	int built;
	uint64_t keep; /* fields present even without a key (T_STR_KEEP, T_INT_KEEP) */
	unsigned char slot[FIELD_SLOTS];
};

struct shape {
	const struct field *fields;
	size_t n;
	int extras; /* keep x-* keys (the struct has an inline Extras map) */
	struct field_index *index;
};

#define SHAPE(name, extras, ...)                                             \
	static const struct field name##_fields[] = { __VA_ARGS__ };          \
	static struct field_index name##_index;                               \
	static const struct shape name = { name##_fields,                     \
					   ARRAY_SIZE(name##_fields), extras, \
					   &name##_index }

static const struct shape empty_shape = { NULL, 0, 0, NULL };

SHAPE(credspec_shape, 0, { "config", T_STR, NULL }, { "file", T_STR, NULL },
      { "registry", T_STR, NULL });
SHAPE(update_shape, 0, { "parallelism", T_PUINT, NULL }, { "delay", T_DURATION, NULL },
      { "failure_action", T_STR, NULL }, { "monitor", T_DURATION, NULL },
      { "max_failure_ratio", T_FLOAT32, NULL }, { "order", T_STR, NULL });
SHAPE(limit_shape, 0, { "cpus", T_STR, NULL }, { "memory", T_BYTES, NULL },
      { "pids", T_INT, NULL });
SHAPE(discrete_shape, 0, { "kind", T_STR_KEEP, NULL }, { "value", T_INT_KEEP, NULL });
SHAPE(generic_shape, 0, { "discrete_resource_spec", T_PSTRUCT, &discrete_shape });
SHAPE(reservation_shape, 0, { "cpus", T_STR, NULL }, { "memory", T_BYTES, NULL },
      { "generic_resources", T_LIST_STRUCT, &generic_shape });
SHAPE(resources_shape, 0, { "limits", T_PSTRUCT, &limit_shape },
      { "reservations", T_PSTRUCT, &reservation_shape });
SHAPE(restart_shape, 0, { "condition", T_STR, NULL }, { "delay", T_PDURATION, NULL },
      { "max_attempts", T_PUINT, NULL }, { "window", T_PDURATION, NULL });
SHAPE(pref_shape, 0, { "spread", T_STR, NULL });
SHAPE(placement_shape, 0, { "constraints", T_LIST, NULL },
      { "preferences", T_LIST_STRUCT, &pref_shape },
      { "max_replicas_per_node", T_UINT, NULL });
SHAPE(deploy_shape, 0, { "mode", T_STR, NULL }, { "replicas", T_PUINT, NULL },
      { "labels", T_MAPSTR, NULL }, { "update_config", T_PSTRUCT, &update_shape },
      { "rollback_config", T_PSTRUCT, &update_shape },
      { "resources", T_STRUCT, &resources_shape },
      { "restart_policy", T_PSTRUCT, &restart_shape },
      { "placement", T_STRUCT, &placement_shape }, { "endpoint_mode", T_STR, NULL });
SHAPE(healthcheck_shape, 0, { "test", T_HCTEST, NULL }, { "timeout", T_PDURATION, NULL },
      { "interval", T_PDURATION, NULL }, { "retries", T_PUINT, NULL },
      { "start_period", T_PDURATION, NULL }, { "start_interval", T_PDURATION, NULL },
      { "disable", T_BOOL, NULL });
SHAPE(logging_shape, 0, { "driver", T_STR, NULL }, { "options", T_MAPSS, NULL });
SHAPE(svcnet_shape, 0, { "aliases", T_LIST, NULL }, { "driver_opts", T_MAPSS, NULL },
      { "ipv4_address", T_STR, NULL }, { "ipv6_address", T_STR, NULL });
SHAPE(port_shape, 0, { "mode", T_STR, NULL }, { "target", T_UINT32, NULL },
      { "published", T_UINT32, NULL }, { "protocol", T_STR, NULL });
SHAPE(bind_shape, 0, { "propagation", T_STR, NULL });
SHAPE(volopts_shape, 0, { "nocopy", T_BOOL, NULL }, { "subpath", T_STR, NULL });
SHAPE(imageopts_shape, 0, { "subpath", T_STR, NULL });
SHAPE(tmpfsopts_shape, 0, { "size", T_INT, NULL });
SHAPE(svcvolume_shape, 0, { "type", T_STR, NULL }, { "source", T_STR, NULL },
      { "target", T_STR, NULL }, { "read_only", T_BOOL, NULL },
      { "consistency", T_STR, NULL }, { "bind", T_PSTRUCT, &bind_shape },
      { "volume", T_PSTRUCT, &volopts_shape }, { "image", T_PSTRUCT, &imageopts_shape },
      { "tmpfs", T_PSTRUCT, &tmpfsopts_shape }, { "cluster", T_PSTRUCT, &empty_shape });
SHAPE(fileref_shape, 0, { "source", T_STR, NULL }, { "target", T_STR, NULL },
      { "uid", T_STR, NULL }, { "gid", T_STR, NULL }, { "mode", T_PUINT32, NULL });
SHAPE(build_shape, 0, { "context", T_STR, NULL }, { "dockerfile", T_STR, NULL },
      { "args", T_MAPEQ, NULL }, { "labels", T_MAPSTR, NULL },
      { "cache_from", T_STRLIST, NULL }, { "extra_hosts", T_HOSTS, NULL },
      { "network", T_STR, NULL }, { "target", T_STR, NULL });
SHAPE(service_shape, 1, { "build", T_BUILD, &build_shape }, { "cap_add", T_LIST, NULL },
      { "cap_drop", T_LIST, NULL }, { "cgroupns_mode", T_STR, NULL },
      { "cgroup_parent", T_STR, NULL }, { "command", T_SHELLCMD, NULL },
      { "configs", T_FILEREFS, &fileref_shape }, { "container_name", T_STR, NULL },
      { "credential_spec", T_STRUCT, &credspec_shape }, { "depends_on", T_LIST, NULL },
      { "deploy", T_STRUCT, &deploy_shape }, { "devices", T_LIST, NULL },
      { "dns", T_STRLIST, NULL }, { "dns_search", T_STRLIST, NULL },
      { "domainname", T_STR, NULL }, { "entrypoint", T_SHELLCMD, NULL },
      { "environment", T_MAPEQ, NULL }, { "env_file", T_STRLIST, NULL },
      { "expose", T_EXPOSE, NULL }, { "external_links", T_LIST, NULL },
      { "extra_hosts", T_HOSTS, NULL }, { "hostname", T_STR, NULL },
      { "healthcheck", T_PSTRUCT, &healthcheck_shape }, { "image", T_STR, NULL },
      { "init", T_PBOOL, NULL }, { "ipc", T_STR, NULL }, { "isolation", T_STR, NULL },
      { "labels", T_MAPSTR, NULL }, { "links", T_LIST, NULL },
      { "logging", T_PSTRUCT, &logging_shape }, { "mac_address", T_STR, NULL },
      { "network_mode", T_STR, NULL }, { "networks", T_SVCNETS, &svcnet_shape },
      { "pid", T_STR, NULL }, { "ports", T_PORTS, &port_shape },
      { "privileged", T_BOOL, NULL }, { "read_only", T_BOOL, NULL },
      { "restart", T_STR, NULL }, { "secrets", T_FILEREFS, &fileref_shape },
      { "security_opt", T_LIST, NULL }, { "shm_size", T_STR, NULL },
      { "stdin_open", T_BOOL, NULL }, { "stop_grace_period", T_PDURATION, NULL },
      { "stop_signal", T_STR, NULL }, { "sysctls", T_MAPSTR, NULL },
      { "tmpfs", T_STRLIST, NULL }, { "tty", T_BOOL, NULL },
      { "ulimits", T_ULIMITS, NULL }, { "user", T_STR, NULL },
      { "userns_mode", T_STR, NULL }, { "volumes", T_VOLUMES, &svcvolume_shape },
      { "working_dir", T_STR, NULL });
SHAPE(pool_shape, 0, { "subnet", T_STR, NULL });
SHAPE(ipam_shape, 0, { "driver", T_STR, NULL }, { "config", T_LIST_STRUCT, &pool_shape });
SHAPE(network_shape, 0, { "name", T_STR, NULL }, { "driver", T_STR, NULL },
      { "driver_opts", T_MAPSS, NULL }, { "ipam", T_STRUCT, &ipam_shape },
      { "external", T_EXTERNAL, NULL }, { "internal", T_BOOL, NULL },
      { "attachable", T_BOOL, NULL }, { "labels", T_MAPSTR, NULL });
SHAPE(mountvol_shape, 0, { "fs_type", T_STR, NULL }, { "mount_flags", T_LIST, NULL });
SHAPE(access_shape, 0, { "scope", T_STR, NULL }, { "sharing", T_STR, NULL },
      { "mount_volume", T_PSTRUCT, &mountvol_shape },
      { "block_volume", T_PSTRUCT, &empty_shape });
SHAPE(topology_shape, 0, { "segments", T_MAPSTR, NULL });
SHAPE(topo_req_shape, 0, { "requisite", T_LIST_STRUCT, &topology_shape },
      { "preferred", T_LIST_STRUCT, &topology_shape });
SHAPE(capacity_shape, 0, { "required_bytes", T_BYTES, NULL },
      { "limit_bytes", T_BYTES, NULL });
SHAPE(volsecret_shape, 0, { "key", T_STR, NULL }, { "secret", T_STR, NULL });
SHAPE(cluster_spec_shape, 0, { "group", T_STR, NULL },
      { "access_mode", T_PSTRUCT, &access_shape },
      { "accessibility_requirements", T_PSTRUCT, &topo_req_shape },
      { "capacity_range", T_PSTRUCT, &capacity_shape },
      { "secrets", T_LIST_STRUCT, &volsecret_shape }, { "availability", T_STR, NULL });
SHAPE(volume_shape, 0, { "name", T_STR, NULL }, { "driver", T_STR, NULL },
      { "driver_opts", T_MAPSS, NULL }, { "external", T_EXTERNAL, NULL },
      { "labels", T_MAPSTR, NULL }, { "x-cluster-spec", T_PSTRUCT, &cluster_spec_shape });
SHAPE(fileobj_shape, 1, { "name", T_STR, NULL }, { "file", T_STR, NULL },
      { "external", T_EXTERNAL, NULL }, { "labels", T_MAPSTR, NULL },
      { "driver", T_STR, NULL }, { "driver_opts", T_MAPSS, NULL },
      { "template_driver", T_STR, NULL });

/* deeper than any path the shapes lead to (map and list values are scalars) */
#define PATH_DEPTH 32

struct nctx {
	struct run *run;
	struct arena *a;
	const struct normalize_opts *o;
	struct path_steps steps; /* where we are (in room); spelled out into path for a message */
	struct path_step room[PATH_DEPTH];
	struct sbuf path;
	char version[16]; /* the file's schema version, "3.13" when unset */
	int failed;
};

/* ---- diagnostics ---- */

static void nctx_init(struct nctx *c, struct run *run, const struct normalize_opts *o)
{
	*c = (struct nctx){ .run = run, .a = &run->arena, .o = o };
	sbuf_init(&c->path, 0);
	/* a path in fixed room: the steps are pushed for every field decoded */
	c->steps = (struct path_steps){ c->room, 0, PATH_DEPTH };
}

static size_t path_push(struct nctx *c, const char *key, size_t index)
{
	size_t mark = c->steps.n;
	if (mark == PATH_DEPTH)
		BUG("a path deeper than %d steps", PATH_DEPTH);
	c->room[c->steps.n++] = (struct path_step){ key, index };
	return mark;
}

static size_t path_key(struct nctx *c, const char *key)
{
	return path_push(c, key, 0);
}

static size_t path_index(struct nctx *c, size_t i)
{
	return path_push(c, NULL, i);
}

static void path_pop(struct nctx *c, size_t mark)
{
	c->steps.n = mark;
}

static const char *path_text(struct nctx *c)
{
	sbuf_reset(&c->path);
	path_steps_render(&c->path, &c->steps, c->steps.n);
	return c->path.buf;
}

__attribute__((format(printf, 4, 5)))
static struct node *fail(struct nctx *c, struct pos pos, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vfmt(c->a, fmt, ap);
	va_end(ap);
	diag_add(&c->run->diag, DIAG_ERROR, rule, pos, path_text(c), "%s", msg);
	c->failed = 1;
	if (c->o->failed_at)
		c->o->failed_at(c->o->failed_ctx, &c->steps);
	return NULL;
}

__attribute__((format(printf, 4, 5)))
static void warn(struct nctx *c, struct pos pos, const char *rule, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vfmt(c->a, fmt, ap);
	va_end(ap);
	diag_add(&c->run->diag, DIAG_WARNING, rule, pos, path_text(c), "%s", msg);
}

static const char *repr(struct nctx *c, const char *s)
{
	return diag_repr(&c->run->diag, s, strlen(s));
}

static struct node *type_error(struct nctx *c, const struct node *n, const char *want)
{
	/* the schema let it through as a string: a string is what is missing */
	if (n->kind == NODE_TIME)
		return fail(c, n->pos, "normalize.type",
			    "%s is a timestamp, not a string (quote it)",
			    n->s.text); /* a timestamp's text needs no escapes */
	return fail(c, n->pos, "normalize.type", "must be %s, not a %s", want,
		    node_kind_name(n->kind));
}

static const char *lookup_env(struct nctx *c, const char *name)
{
	return c->o->getenv ? c->o->getenv(c->o->getenv_ctx, name) : NULL;
}

/* ---- scalars ---- */

/* fmt.Sprint of a scalar as docker prints map values: ints in decimal, floats as %v. */
static const char *go_sprint(struct nctx *c, const struct node *n)
{
	char buf[UNITS_BUF], tbuf[YTIME_BUF];
	struct ytime t;
	switch (n->kind) {
	case NODE_STR:
		return n->s.text;
	case NODE_BOOL:
		return n->s.v.b ? "true" : "false";
	case NODE_INT:
		if (n->flags & NODE_UNSIGNED)
			return arena_fmt(c->a, "%" PRIu64, n->s.v.u);
		return arena_fmt(c->a, "%" PRId64, n->s.v.i);
	case NODE_FLOAT:
		return arena_strdup(c->a, units_format_go_float(n->s.v.f, 64, buf));
	case NODE_TIME:
		t = ytime_of(n->s.text, n->len);
		return arena_strndup(c->a, tbuf, ytime_format_go(tbuf, &t));
	default:
		return NULL;
	}
}

/* A string node for text that lives as long as the tree (arena or static): not copied. */
static struct node *str_ref(struct nctx *c, struct pos pos, const char *text)
{
	struct node *n = node_new(c->a, NODE_STR, pos);
	n->s.text = text;
	n->len = strlen(text);
	return n;
}

/* A string node for a scalar value (strings are reused as they are). */
static struct node *str_of(struct nctx *c, struct node *n)
{
	if (n->kind == NODE_STR)
		return n;
	const char *s = go_sprint(c, n);
	if (!s)
		return type_error(c, n, "a string or a number");
	return str_ref(c, n->pos, s);
}

static struct node *dec_str(struct nctx *c, struct node *n, int keep)
{
	if (n->kind != NODE_STR)
		return type_error(c, n, "a string");
	return n->len || keep ? n : NULL;
}

static struct node *dec_bool(struct nctx *c, struct node *n, int keep)
{
	if (n->kind != NODE_BOOL)
		return type_error(c, n, "a boolean");
	return n->s.v.b || keep ? n : NULL;
}

/* Is s how an integer prints in decimal (no sign, base prefix, '_' or leading zero)? */
static int is_decimal(const char *s, size_t len)
{
	size_t i = len && s[0] == '-';
	if (i == len || (s[i] == '0' && (i || len > 1)))
		return 0;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* n (a node the decoders own) turned into the string s, unless it is that already. */
static struct node *set_str(struct nctx *c, struct node *n, const char *s)
{
	size_t len = strlen(s);
	if (n->kind != NODE_STR || n->len != len || memcmp(n->s.text, s, len))
		node_set_str(c->a, n, s, len);
	return n;
}

/*
 * An integer field: ints as they are, floats truncated toward zero (the
 * schema lets 1.0 through as an integer); unsigned fields reject negative
 * values; uint32 fields keep the low 32 bits, as Go's reflect does.
 */
static struct node *dec_int(struct nctx *c, struct node *n, enum ftype t)
{
	int is_unsigned = t == T_UINT || t == T_PUINT || t == T_UINT32 || t == T_PUINT32;
	int keep = t == T_INT_KEEP || t == T_PUINT || t == T_PUINT32;
	int64_t i;
	uint64_t u;
	int neg;
	if (n->kind == NODE_FLOAT) {
		double f = n->s.v.f;
		neg = f < 0;
		i = (f < 9223372036854775808.0 && f >= -9223372036854775808.0) ? (int64_t)f : INT64_MIN;
		u = f < 0 ? 0 : f < 18446744073709551616.0 ? (uint64_t)f : (1ull << 63);
	} else if (n->kind == NODE_INT && (n->flags & NODE_UNSIGNED)) {
		neg = 0;
		u = n->s.v.u;
		i = (int64_t)u;
	} else if (n->kind == NODE_INT) {
		i = n->s.v.i;
		neg = i < 0;
		u = (uint64_t)i;
	} else {
		return type_error(c, n, "a number");
	}
	if (is_unsigned && neg)
		return fail(c, n->pos, "normalize.range", "must not be negative, got %s",
			    repr(c, n->s.text));
	if (t == T_UINT32 || t == T_PUINT32)
		u = (uint32_t)u;
	if (!keep && (is_unsigned ? u == 0 : i == 0))
		return NULL;
	if (is_unsigned && u > INT64_MAX)
		return node_new_uint(c->a, n->pos, u);
	int64_t v = is_unsigned ? (int64_t)u : i;
	/* the decoders own their input: n becomes the result (as it is when it says v in decimal) */
	if (n->kind != NODE_INT || (n->flags & NODE_UNSIGNED) || n->s.v.i != v ||
	    !is_decimal(n->s.text, n->len))
		node_set_int(c->a, n, v);
	return n;
}

static struct node *dec_float32(struct nctx *c, struct node *n)
{
	double f;
	if (n->kind == NODE_FLOAT)
		f = n->s.v.f;
	else if (n->kind == NODE_INT)
		f = (n->flags & NODE_UNSIGNED) ? (double)n->s.v.u : (double)n->s.v.i;
	else
		return type_error(c, n, "a number");
	if ((float)f == 0)
		return NULL;
	char buf[UNITS_BUF];
	units_format_go_float(f, 32, buf);
	/* the value is the float64 that prints the same text */
	return node_new_float(c->a, n->pos, strtod(buf, NULL), buf);
}

static struct node *dec_duration(struct nctx *c, struct node *n, int keep)
{
	int64_t ns;
	char buf[UNITS_BUF];
	if (n->kind != NODE_STR)
		return type_error(c, n, "a duration string");
	if (units_parse_duration(n->s.text, &ns))
		return fail(c, n->pos, "normalize.duration",
			    "invalid duration %s (expected a number with a unit: ns, us, ms, s, m, h)",
			    repr(c, n->s.text));
	if (!ns && !keep)
		return NULL;
	return set_str(c, n, units_format_duration(ns, buf));
}

static struct node *dec_bytes(struct nctx *c, struct node *n)
{
	int64_t v;
	if (n->kind == NODE_STR) {
		struct sbuf err = SBUF_INIT;
		int rc = units_ram_in_bytes(n->s.text, &v, &err);
		if (rc)
			fail(c, n->pos, "normalize.bytes", "invalid byte size %s: %s",
			     repr(c, n->s.text), err.buf);
		sbuf_release(&err);
		if (rc)
			return NULL;
	} else if (n->kind == NODE_INT && !(n->flags & NODE_UNSIGNED)) {
		v = n->s.v.i;
	} else {
		return type_error(c, n, "a byte size string");
	}
	if (!v)
		return NULL;
	/* v in decimal (snprintf costs more than the rest of this) */
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return set_str(c, n, p);
}

/* ---- lists ---- */

/* Check that every item is a string; expose also accepts numbers (printed). */
static struct node *dec_list(struct nctx *c, struct node *n, enum ftype t)
{
	if (n->kind == NODE_STR && t != T_LIST && t != T_EXPOSE) {
		struct node *seq = node_new_seq(c->a, n->pos);
		node_seq_push(c->a, seq, n);
		return seq;
	}
	if (n->kind != NODE_SEQ)
		return type_error(c, n, t == T_LIST ? "a list" : "a string or a list");
	for (size_t i = 0; i < n->seq.n; i++) {
		struct node *it = n->seq.v[i];
		size_t mark = path_index(c, i);
		if (t == T_EXPOSE)
			it = str_of(c, it);
		else if (it->kind != NODE_STR)
			it = type_error(c, it, "a string");
		path_pop(c, mark);
		if (!it)
			return NULL;
		n->seq.v[i] = it;
	}
	return n->seq.n ? n : NULL;
}

static struct node *dec_shellcmd(struct nctx *c, struct node *n)
{
	if (n->kind != NODE_STR)
		return dec_list(c, n, T_LIST);
	struct units_word *w;
	size_t nw;
	const char *err;
	if (units_shlex_split(c->a, n->s.text, n->len, &w, &nw, &err))
		return fail(c, n->pos, "normalize.command", "cannot split %s into words: %s",
			    repr(c, n->s.text), err);
	if (!nw)
		return NULL;
	struct node *seq = node_new_seq(c->a, n->pos);
	for (size_t i = 0; i < nw; i++)
		node_seq_push(c->a, seq, node_new_strn(c->a, n->pos, w[i].s, w[i].len));
	return seq;
}

static struct node *dec_hctest(struct nctx *c, struct node *n)
{
	if (n->kind != NODE_STR)
		return dec_list(c, n, T_LIST);
	struct node *seq = node_new_seq(c->a, n->pos);
	node_seq_push(c->a, seq, str_ref(c, n->pos, "CMD-SHELL"));
	node_seq_push(c->a, seq, n);
	return seq;
}

/* ---- maps of strings ---- */

struct keyed_entry {
	struct node_entry e;
	size_t seq;
};

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed_entry *a = pa, *b = pb;
	int r = strcmp(a->e.key, b->e.key);
	return r ? r : (a->seq > b->seq) - (a->seq < b->seq);
}

/*
 * Entries added with node_map_add may repeat a key (list forms, env files):
 * keep the last of each, as assignment into a Go map does. The map ends up
 * sorted by key (the emitter orders maps anyway).
 */
static void map_keep_last(struct node *map)
{
	struct node_entry *e = map->map.v;
	size_t n = map->map.n, w = 0;
	if (n < 2)
		return;
	if (n <= 32) { /* the usual short map: a stable insertion sort in place */
		for (size_t i = 1; i < n; i++) {
			struct node_entry t = e[i];
			size_t j = i;
			for (; j && strcmp(e[j - 1].key, t.key) > 0; j--)
				e[j] = e[j - 1];
			e[j] = t;
		}
	} else {
		struct keyed_entry *v = xmalloc(n * sizeof(*v));
		for (size_t i = 0; i < n; i++)
			v[i] = (struct keyed_entry){ e[i], i };
		qsort(v, n, sizeof(*v), cmp_keyed);
		for (size_t i = 0; i < n; i++)
			e[i] = v[i].e;
		free(v);
	}
	for (size_t i = 0; i < n; i++)
		if (i + 1 == n || strcmp(e[i].key, e[i + 1].key))
			e[w++] = e[i];
	map->map.n = w;
}

/* One `key[=value]` list item: value, "" or null (when null_ok) without '='. */
static void map_add_item(struct nctx *c, struct node *out, struct node *it, int null_ok)
{
	const char *eq = memchr(it->s.text, '=', it->len);
	size_t klen = eq ? (size_t)(eq - it->s.text) : it->len;
	char *key = arena_strndup(c->a, it->s.text, klen);
	struct node *v = it;
	if (eq) {
		/* the item becomes the value: its text's tail is the value's */
		it->s.text = eq + 1;
		it->len -= klen + 1;
	} else if (null_ok)
		v = node_new_null(c->a, it->pos);
	else
		v = node_new_str(c->a, it->pos, "");
	node_map_add_key(c->a, out, key, it->pos, v);
}

static struct node *dec_mapping(struct nctx *c, struct node *n, enum ftype t)
{
	if (n->kind == NODE_MAP) {
		size_t w = 0;
		for (size_t i = 0; i < n->map.n; i++) {
			struct node_entry *e = &n->map.v[i];
			struct node *v = e->val;
			size_t mark = path_key(c, e->key);
			if (v->kind == NODE_NULL)
				v = t == T_MAPEQ ? v : node_new_str(c->a, v->pos, "");
			else
				v = str_of(c, v);
			path_pop(c, mark);
			if (v)
				n->map.v[w++] = (struct node_entry){ e->key, e->keypos, 0, v };
		}
		n->map.n = w;
		return w ? n : NULL;
	}
	struct node *out = node_new_map(c->a, n->pos);
	if (n->kind == NODE_SEQ && t != T_MAPSS) {
		node_map_reserve(c->a, out, n->seq.n);
		for (size_t i = 0; i < n->seq.n; i++) {
			struct node *it = n->seq.v[i];
			size_t mark = path_index(c, i);
			if (it->kind == NODE_STR)
				map_add_item(c, out, it, t == T_MAPEQ);
			else
				type_error(c, it, "a KEY=VALUE string");
			path_pop(c, mark);
		}
		map_keep_last(out);
	} else {
		return type_error(c, n, t == T_MAPSS ? "a mapping" : "a mapping or a list");
	}
	return out->map.n ? out : NULL;
}

static int cmp_str_nodes(const void *pa, const void *pb)
{
	const struct node *a = *(struct node *const *)pa, *b = *(struct node *const *)pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->s.text, b->s.text, n);
	return r ? r : (a->len > b->len) - (a->len < b->len);
}

/* Go's "%s" of a map value: non-strings print as %!s(type=value). */
static const char *go_percent_s(struct nctx *c, const struct node *n)
{
	if (n->kind == NODE_STR)
		return n->s.text;
	if (n->kind == NODE_TIME) /* a fmt.Stringer */
		return go_sprint(c, n);
	const char *type = n->kind == NODE_BOOL ? "bool" :
			   n->kind == NODE_FLOAT ? "float64" :
			   (n->flags & NODE_UNSIGNED) ? "uint64" : "int";
	return arena_fmt(c->a, "%%!s(%s=%s)", type, go_sprint(c, n));
}

/*
 * extra_hosts: a map becomes sorted "host:ip" items (null values dropped); a
 * list keeps its order with "host=ip" rewritten to "host:ip" and items
 * without a separator dropped. Then "[v6]" brackets are stripped from the ip.
 */
static struct node *dec_hosts(struct nctx *c, struct node *n)
{
	struct node *out = node_new_seq(c->a, n->pos);
	if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n; i++) {
			struct node_entry *e = &n->map.v[i];
			if (e->val->kind == NODE_NULL)
				continue;
			if (e->val->kind == NODE_SEQ || e->val->kind == NODE_MAP) {
				size_t mark = path_key(c, e->key);
				type_error(c, e->val, "a string");
				path_pop(c, mark);
				continue;
			}
			node_seq_push(c->a, out, str_ref(c, e->val->pos,
				arena_fmt(c->a, "%s:%s", e->key, go_percent_s(c, e->val))));
		}
		if (out->seq.n)
			qsort(out->seq.v, out->seq.n, sizeof(*out->seq.v), cmp_str_nodes);
	} else if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n; i++) {
			size_t mark = path_index(c, i);
			struct node *it = str_of(c, n->seq.v[i]);
			path_pop(c, mark);
			if (!it)
				continue;
			const char *sep = memchr(it->s.text, '=', it->len);
			if (!sep)
				sep = memchr(it->s.text, ':', it->len);
			if (!sep)
				continue;
			size_t hl = (size_t)(sep - it->s.text);
			node_seq_push(c->a, out, str_ref(c, it->pos,
				arena_fmt(c->a, "%.*s:%s", (int)hl, it->s.text, sep + 1)));
		}
	} else {
		return type_error(c, n, "a mapping or a list");
	}
	for (size_t i = 0; i < out->seq.n; i++) {
		struct node *it = out->seq.v[i];
		char *s = (char *)it->s.text, *ip = strchr(s, ':');
		size_t l = ip ? strlen(ip + 1) : 0;
		if (l > 2 && ip[1] == '[' && ip[l] == ']') {
			memmove(ip + 1, ip + 2, l - 2);
			ip[l - 1] = '\0';
			it->len = strlen(s);
		}
	}
	return out->seq.n ? out : NULL;
}

/* ---- structs ---- */

static struct node *dec(struct nctx *c, struct node *n, const struct field *f);

static size_t slot_of(const char *key)
{
	uint32_t h = 2166136261u; /* FNV-1a of the first 4 bytes: few fields share them */
	for (const char *end = key + 4; *key && key < end; key++)
		h = (h ^ (unsigned char)*key) * 16777619u;
	return h & (FIELD_SLOTS - 1);
}

static void index_build(const struct shape *s, struct field_index *ix)
{
	if (s->n > MAX_FIELDS)
		BUG("a shape with %zu fields", s->n);
	for (size_t f = 0; f < s->n; f++) {
		size_t i = slot_of(s->fields[f].key);
		while (ix->slot[i])
			i = (i + 1) & (FIELD_SLOTS - 1);
		ix->slot[i] = (unsigned char)(f + 1);
		if (s->fields[f].type == T_STR_KEEP || s->fields[f].type == T_INT_KEEP)
			ix->keep |= 1ull << f;
	}
	ix->built = 1;
}

/* The number of s's field named key, or -1. */
static int field_number(const struct shape *s, const char *key)
{
	struct field_index *ix = s->index;
	for (size_t i = slot_of(key); ix->slot[i]; i = (i + 1) & (FIELD_SLOTS - 1))
		if (!strcmp(s->fields[ix->slot[i] - 1].key, key))
			return ix->slot[i] - 1;
	return -1;
}

/*
 * The entry for each field of s that map has (by_field[f] is set where bit f
 * of the result is): exact key first, then case-insensitive (mapstructure),
 * as find_field() would find it. The case-insensitive pass is only needed
 * when some key names no field: field names are all lower case, so a key
 * that names one field cannot stand for another. *nextras counts the x-*
 * keys (0 for a shape without fields).
 */
static uint64_t match_fields(struct node_entry **by_field, size_t *nextras,
			     const struct shape *s, struct node *map)
{
	uint64_t have = 0;
	int loose = 0;
	*nextras = 0;
	if (!s->index)
		return 0;
	if (!s->index->built)
		index_build(s, s->index);
	for (size_t i = 0; i < map->map.n; i++) {
		const char *key = map->map.v[i].key;
		int f = field_number(s, key);
		*nextras += key[0] == 'x' && key[1] == '-';
		if (f < 0)
			loose = 1;
		else if (!(have & (1ull << f))) {
			by_field[f] = &map->map.v[i];
			have |= 1ull << f;
		}
	}
	for (size_t f = 0; loose && f < s->n; f++)
		for (size_t i = 0; !(have & (1ull << f)) && i < map->map.n; i++)
			if (!strcasecmp(map->map.v[i].key, s->fields[f].key)) {
				by_field[f] = &map->map.v[i];
				have |= 1ull << f;
			}
	return have;
}

/* The entry for key: exact match first, then case-insensitive (mapstructure). */
static struct node_entry *find_field(struct node *map, const char *key)
{
	struct node_entry *e = node_map_find(map, key);
	for (size_t i = 0; !e && i < map->map.n; i++)
		if (!strcasecmp(map->map.v[i].key, key))
			e = &map->map.v[i];
	return e;
}

/* Add the x-* entries of v that out does not have yet. */
static void add_extras(struct nctx *c, struct node *out, const struct node_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strncmp(v[i].key, "x-", 2) && !node_map_find(out, v[i].key))
			node_map_add_key(c->a, out, v[i].key, v[i].keypos, v[i].val);
}

static void copy_extras(struct nctx *c, struct node *out, struct node *in)
{
	add_extras(c, out, in->map.v, in->map.n);
}

/* Copies of map's x-* entries, kept over a rewrite of map in place; free() them. */
static size_t save_extras(struct node_entry **out, const struct node *map)
{
	size_t n = 0;
	*out = NULL;
	for (size_t i = 0; i < map->map.n; i++)
		n += !strncmp(map->map.v[i].key, "x-", 2);
	if (!n)
		return 0;
	*out = xmalloc(n * sizeof(**out));
	n = 0;
	for (size_t i = 0; i < map->map.n; i++)
		if (!strncmp(map->map.v[i].key, "x-", 2))
			(*out)[n++] = map->map.v[i];
	return n;
}

/*
 * Make map hold exactly the n entries v. The decoders rewrite the maps they
 * are given in place: the input tree is theirs, and a new tree per file
 * would double the memory a project takes.
 */
static void map_assign(struct nctx *c, struct node *map, const struct node_entry *v, size_t n)
{
	if (n > map->map.alloc) {
		map->map.v = arena_alloc(c->a, n * sizeof(*v));
		map->map.alloc = n;
	}
	if (n)
		memmove(map->map.v, v, n * sizeof(*v));
	map->map.n = n;
}

/* keep_empty: a pointer or list element (printed as {}) rather than an omitempty struct. */
static struct node *dec_struct(struct nctx *c, struct node *n, const struct shape *s, int keep_empty)
{
	if (n->kind != NODE_MAP)
		return type_error(c, n, "a mapping");
	struct node_entry *by_field[MAX_FIELDS];
	struct node_entry out[MAX_FIELDS];
	size_t nout = 0, nextras;
	uint64_t have = match_fields(by_field, &nextras, s, n);
	/* the fields in order: those the map has, and those printed anyway */
	for (uint64_t todo = have | (s->index ? s->index->keep : 0); todo; todo &= todo - 1) {
		size_t i = (size_t)__builtin_ctzll(todo);
		const struct field *f = &s->fields[i];
		struct node_entry *e = have & (1ull << i) ? by_field[i] : NULL;
		struct node *v = NULL;
		if (e && e->val->kind != NODE_NULL) {
			size_t mark = path_key(c, e->key);
			v = dec(c, e->val, f);
			path_pop(c, mark);
		} else if (f->type == T_STR_KEEP) {
			v = node_new_str(c->a, n->pos, "");
		} else if (f->type == T_INT_KEEP) {
			v = node_new_int(c->a, n->pos, 0);
		}
		if (v)
			out[nout++] = (struct node_entry){ f->key, e ? e->keypos : n->pos, 0, v };
	}
	struct node_entry *extras;
	nextras = s->extras && nextras ? save_extras(&extras, n) : 0;
	map_assign(c, n, out, nout);
	if (nextras) {
		add_extras(c, n, extras, nextras);
		free(extras);
	}
	return n->map.n || keep_empty ? n : NULL;
}

static struct node *dec_list_struct(struct nctx *c, struct node *n, const struct shape *s)
{
	if (n->kind != NODE_SEQ)
		return type_error(c, n, "a list");
	size_t w = 0;
	for (size_t i = 0; i < n->seq.n; i++) {
		size_t mark = path_index(c, i);
		struct node *v = dec_struct(c, n->seq.v[i], s, 1);
		path_pop(c, mark);
		if (v)
			n->seq.v[w++] = v;
	}
	n->seq.n = w;
	return w ? n : NULL;
}

static struct node *dec_build(struct nctx *c, struct node *n, const struct shape *s)
{
	if (n->kind == NODE_STR) {
		struct node *out = node_new_map(c->a, n->pos);
		if (n->len)
			node_map_add_key(c->a, out, "context", n->pos, n);
		return out->map.n ? out : NULL;
	}
	return dec_struct(c, n, s, 0);
}

/*
 * External: `true`/`false`, or `{name: x}` which means external with a name.
 * Decoded as the bool node when true, NULL when false, and for the mapping
 * form a map holding only its (non-empty) name: external_of() reads both.
 */
static struct node *dec_external(struct nctx *c, struct node *n)
{
	if (n->kind == NODE_BOOL)
		return n->s.v.b ? n : NULL;
	if (n->kind != NODE_MAP)
		return type_error(c, n, "a boolean or a mapping");
	struct node *out = node_new_map(c->a, n->pos);
	struct node_entry *e = find_field(n, "name");
	if (e && e->val->kind != NODE_NULL) {
		size_t mark = path_key(c, e->key);
		struct node *name = dec_str(c, e->val, 0);
		path_pop(c, mark);
		if (name)
			node_map_add_key(c->a, out, "name", e->keypos, name);
	}
	return out;
}

/* ---- service networks, ulimits, secret/config references ---- */

static struct node *dec_svcnets(struct nctx *c, struct node *n, const struct shape *s)
{
	if (n->kind == NODE_SEQ) {
		struct node *out = node_new_map(c->a, n->pos);
		for (size_t i = 0; i < n->seq.n; i++) {
			struct node *it = n->seq.v[i];
			size_t mark = path_index(c, i);
			if (it->kind == NODE_STR)
				node_map_add_key(c->a, out, it->s.text, it->pos, node_new_null(c->a, it->pos));
			else
				type_error(c, it, "a network name");
			path_pop(c, mark);
		}
		map_keep_last(out);
		return out->map.n ? out : NULL;
	}
	if (n->kind == NODE_MAP) {
		size_t w = 0;
		for (size_t i = 0; i < n->map.n; i++) {
			struct node_entry *e = &n->map.v[i];
			size_t mark = path_key(c, e->key);
			struct node *v = e->val->kind == NODE_NULL ? e->val : dec_struct(c, e->val, s, 1);
			path_pop(c, mark);
			if (v)
				n->map.v[w++] = (struct node_entry){ e->key, e->keypos, 0, v };
		}
		n->map.n = w;
		return w ? n : NULL;
	}
	return type_error(c, n, "a list or a mapping");
}

/* A single value prints as a bare int, soft/hard as a map; zeros as {}. */
static struct node *dec_ulimits(struct nctx *c, struct node *n)
{
	if (n->kind != NODE_MAP)
		return type_error(c, n, "a mapping");
	size_t w = 0;
	for (size_t i = 0; i < n->map.n; i++) {
		struct node_entry *e = &n->map.v[i];
		size_t mark = path_key(c, e->key);
		struct node *v;
		if (e->val->kind == NODE_MAP) {
			static const char *const parts[] = { "soft", "hard" };
			struct node_entry out[2];
			size_t nout = 0;
			v = e->val;
			for (size_t j = 0; j < 2; j++) {
				struct node_entry *pe = node_map_find(v, parts[j]);
				if (!pe)
					continue;
				size_t m2 = path_key(c, pe->key);
				struct node *pv = dec_int(c, pe->val, T_INT);
				path_pop(c, m2);
				if (pv)
					out[nout++] = (struct node_entry){ parts[j], pe->keypos, 0, pv };
			}
			map_assign(c, v, out, nout);
		} else if (e->val->kind == NODE_INT) {
			v = dec_int(c, e->val, T_INT);
			if (!v)
				v = node_new_map(c->a, e->val->pos);
		} else {
			v = type_error(c, e->val, "an integer or a mapping");
		}
		path_pop(c, mark);
		if (v)
			n->map.v[w++] = (struct node_entry){ e->key, e->keypos, 0, v };
	}
	n->map.n = w;
	return w ? n : NULL;
}

static struct node *dec_filerefs(struct nctx *c, struct node *n, const struct shape *s)
{
	if (n->kind != NODE_SEQ)
		return type_error(c, n, "a list");
	size_t w = 0;
	for (size_t i = 0; i < n->seq.n; i++) {
		struct node *it = n->seq.v[i], *v;
		size_t mark = path_index(c, i);
		if (it->kind == NODE_STR) {
			v = node_new_map(c->a, it->pos);
			if (it->len) {
				node_map_reserve(c->a, v, 1);
				node_map_add_key(c->a, v, "source", it->pos, it);
			}
		} else {
			v = dec_struct(c, it, s, 1);
		}
		path_pop(c, mark);
		if (v)
			n->seq.v[w++] = v;
	}
	n->seq.n = w;
	return w ? n : NULL;
}

/* ---- ports (go-connections nat.ParsePortSpec + swarmopts) ---- */

struct port_map {
	char key[24];      /* "80/tcp": docker orders a spec's ports by this text */
	unsigned port;
	unsigned hs, he;   /* published ports; 0-0 when none */
	size_t seq;
};

static int cmp_port_map(const void *pa, const void *pb)
{
	const struct port_map *a = pa, *b = pb;
	int r = strcmp(a->key, b->key);
	return r ? r : (a->seq > b->seq) - (a->seq < b->seq);
}

static struct node *port_entry(struct nctx *c, struct pos pos, unsigned target,
			       unsigned published, const char *proto)
{
	struct node *m = node_new_map(c->a, pos);
	node_map_reserve(c->a, m, 4);
	node_map_add_key(c->a, m, "mode", pos, str_ref(c, pos, "ingress"));
	if (target) /* uint32 fields: 0 is not printed */
		node_map_add_key(c->a, m, "target", pos, node_new_int(c->a, pos, target));
	if (published)
		node_map_add_key(c->a, m, "published", pos, node_new_int(c->a, pos, published));
	node_map_add_key(c->a, m, "protocol", pos, str_ref(c, pos, proto));
	return m;
}

/* The protocol as text that lasts: the usual ones are not copied. */
static const char *lasting_proto(struct nctx *c, const char *proto)
{
	static const char *const names[] = { "tcp", "udp", "sctp" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(proto, names[i]))
			return names[i];
	return arena_strdup(c->a, proto);
}

/* Expand one short-syntax port into out (nat.ParsePortSpecs + ConvertPortToPortConfig). */
static void expand_port(struct nctx *c, struct node *out, struct node *it, const char *spec)
{
	struct port_spec ps;
	struct sbuf why = SBUF_INIT;
	if (port_spec_parse(&ps, spec, strlen(spec), &why)) {
		fail(c, it->pos, "normalize.port", "invalid port %s: %s", repr(c, spec), why.buf);
		sbuf_release(&why);
		return;
	}
	size_t nmaps = ps.ce - ps.cs + 1;
	/* the key orders a range's ports and names one in a warning: one port needs no order */
	int keyed = nmaps > 1 || ps.ip_specific;
	struct port_map one = { .port = 0 };
	struct port_map *maps = nmaps == 1 ? &one : xcalloc(nmaps, sizeof(*maps));
	for (size_t i = 0; i < nmaps; i++) {
		struct port_map *m = &maps[i];
		m->port = ps.cs + (unsigned)i;
		m->seq = i;
		if (keyed)
			snprintf(m->key, sizeof(m->key), "%u/%s", m->port, ps.proto);
		if (ps.has_host && ps.cs == ps.ce) {
			m->hs = ps.hs;
			m->he = ps.he;
		} else if (ps.has_host) {
			m->hs = m->he = ps.hs + (unsigned)i;
		}
	}
	if (nmaps > 1)
		qsort(maps, nmaps, sizeof(*maps), cmp_port_map);
	int v6 = strchr(ps.ip, ':') != NULL;
	const char *proto = lasting_proto(c, ps.proto);
	for (size_t i = 0; i < nmaps; i++) {
		struct port_map *m = &maps[i];
		if (ps.ip_specific) {
			char hostport[16] = "";
			if (ps.has_host && m->hs != m->he)
				snprintf(hostport, sizeof(hostport), "%u-%u", m->hs, m->he);
			else if (ps.has_host)
				snprintf(hostport, sizeof(hostport), "%u", m->hs);
			warn(c, it->pos, "normalize.port-ip",
			     "ignoring IP-address (%s%s%s:%s:%s) service will listen on '0.0.0.0'",
			     v6 ? "[" : "", ps.ip, v6 ? "]" : "", hostport, m->key);
		}
		for (unsigned p = m->hs; p <= m->he; p++)
			node_seq_push(c->a, out, port_entry(c, it->pos, m->port, p, proto));
	}
	if (maps != &one)
		free(maps);
}

static struct node *dec_ports(struct nctx *c, struct node *n, const struct shape *s)
{
	if (n->kind != NODE_SEQ)
		return type_error(c, n, "a list");
	struct node *out = node_new_seq(c->a, n->pos);
	for (size_t i = 0; i < n->seq.n; i++) {
		struct node *it = n->seq.v[i];
		size_t mark = path_index(c, i);
		if (it->kind == NODE_STR) {
			expand_port(c, out, it, it->s.text);
		} else if (it->kind == NODE_INT && !(it->flags & NODE_UNSIGNED)) {
			expand_port(c, out, it, arena_fmt(c->a, "%" PRId64, it->s.v.i));
		} else if (it->kind == NODE_MAP) {
			struct node *v = dec_struct(c, it, s, 1);
			if (v)
				node_seq_push(c->a, out, v);
		} else {
			type_error(c, it, "a port string, an integer or a mapping");
		}
		path_pop(c, mark);
	}
	return out->seq.n ? out : NULL;
}

/* ---- volumes (docker's ParseVolume and resolveVolumePaths) ---- */

static int ascii_letter(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static size_t utf8_len(unsigned char ch)
{
	return ch < 0xc0 ? 1 : ch < 0xe0 ? 2 : ch < 0xf0 ? 3 : 4;
}

/* Go's filepath.Clean, in the arena. */
static char *go_clean(struct arena *a, const char *p)
{
	return go_filepath_clean(arena_alloc(a, GO_CLEAN_ROOM(strlen(p))), p);
}

/* docker's absPath: absolute paths unchanged, others joined to workdir and cleaned. */
static const char *abs_path(struct nctx *c, const char *p)
{
	if (p[0] == '/')
		return p;
	if (!*p)
		return go_clean(c->a, c->o->workdir);
	return go_clean(c->a, arena_fmt(c->a, "%s/%s", c->o->workdir, p));
}

static int is_slash(char ch)
{
	return ch == '/' || ch == '\\';
}

/* Windows absolute path (drive letter or UNC share), as docker's isAbs. */
static int windows_abs(const char *p)
{
	size_t l = strlen(p), vl = 0;
	if (l >= 2 && p[1] == ':' && ascii_letter((unsigned char)p[0])) {
		vl = 2;
	} else if (l >= 5 && is_slash(p[0]) && is_slash(p[1]) && !is_slash(p[2]) && p[2] != '.') {
		for (size_t i = 3; i < l - 1; i++) {
			if (!is_slash(p[i]))
				continue;
			i++;
			if (!is_slash(p[i]) && p[i] != '.') {
				for (; i < l && !is_slash(p[i]); i++)
					;
				vl = i;
			}
			break;
		}
	}
	return vl && p[vl] && is_slash(p[vl]);
}

static int is_file_path(const char *src)
{
	if (strchr(".~/", src[0]))
		return 1;
	size_t fl = utf8_len((unsigned char)src[0]);
	if (strlen(src) <= fl)
		return 0;
	if (src[0] == '\\' && src[1] == '\\')
		return 1;
	return fl == 1 && ascii_letter((unsigned char)src[0]) && src[1] == ':';
}

static int propagation(const char *o)
{
	static const char *const names[] = { "rprivate", "private", "rshared", "shared",
					      "rslave", "slave" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(o, names[i]))
			return 1;
	return 0;
}

static struct node *parse_volume(struct nctx *c, struct node *it)
{
	const char *spec = it->s.text;
	size_t len = it->len;
	struct pos pos = it->pos;
	struct node *out = node_new_map(c->a, pos);
	if (!len)
		return fail(c, pos, "normalize.volume", "invalid empty volume spec");
	if (len <= 2) {
		node_map_add_key(c->a, out, "type", pos, str_ref(c, pos, "volume"));
		node_map_add_key(c->a, out, "target", pos, it);
		return out;
	}
	char *src = NULL, *tgt = NULL, *prop = NULL;
	int ro = 0, nocopy = 0;
	size_t start = 0, runes = 0;
	for (size_t i = 0; i <= len;) {
		int end = i == len;
		if (!end && spec[i] == ':' && runes == 1 && ascii_letter((unsigned char)spec[start])) {
			i++;
			runes++;
			continue;
		}
		if (!end && spec[i] != ':') {
			i += utf8_len((unsigned char)spec[i]);
			runes++;
			continue;
		}
		const char *err = NULL;
		char *buf = arena_strndup(c->a, spec + start, i - start);
		if (!*buf)
			err = "empty section between colons";
		else if (!src && end)
			tgt = buf;
		else if (!src)
			src = buf;
		else if (!tgt)
			tgt = buf;
		else if (!end)
			err = "too many colons";
		else
			for (char *o = strtok(buf, ","); o; o = strtok(NULL, ","))
				if (!strcmp(o, "ro"))
					ro = 1;
				else if (!strcmp(o, "rw"))
					ro = 0;
				else if (!strcmp(o, "nocopy"))
					nocopy = 1;
				else if (propagation(o))
					prop = o;
		if (err)
			return fail(c, pos, "normalize.volume", "invalid volume %s: %s", repr(c, spec), err);
		i++;
		start = i;
		runes = 0;
	}
	const char *type = src && is_file_path(src) ? "bind" : "volume";
	node_map_add_key(c->a, out, "type", pos, str_ref(c, pos, type));
	if (src)
		node_map_add_key(c->a, out, "source", pos, str_ref(c, pos, src));
	if (tgt)
		node_map_add_key(c->a, out, "target", pos, str_ref(c, pos, tgt));
	if (ro)
		node_map_add_key(c->a, out, "read_only", pos, node_new_bool(c->a, pos, 1));
	if (prop) {
		struct node *b = node_new_map(c->a, pos);
		node_map_add_key(c->a, b, "propagation", pos, str_ref(c, pos, prop));
		node_map_add_key(c->a, out, "bind", pos, b);
	}
	if (nocopy) {
		struct node *v = node_new_map(c->a, pos);
		node_map_add_key(c->a, v, "nocopy", pos, node_new_bool(c->a, pos, 1));
		node_map_add_key(c->a, out, "volume", pos, v);
	}
	return out;
}

/* A bind source: `~` expanded with HOME, relative paths made absolute. */
static void resolve_bind(struct nctx *c, struct node *vol, struct pos pos)
{
	struct node *type = node_map_get(vol, "type");
	if (!type || strcmp(type->s.text, "bind"))
		return;
	struct node_entry *se = node_map_find(vol, "source");
	if (!se) {
		fail(c, pos, "normalize.volume", "a bind mount needs a source (the host path)");
		return;
	}
	const char *src = se->val->s.text;
	if (src[0] == '~') {
		if (c->o->home)
			src = arena_fmt(c->a, "%s%s", c->o->home, src + 1);
		else
			warn(c, se->val->pos, "normalize.home",
			     "cannot expand '~', because the environment lacks HOME");
	}
	if (src[0] != '/' && !windows_abs(src))
		src = abs_path(c, src);
	if (src != se->val->s.text)
		se->val = str_ref(c, se->val->pos, src);
}

static struct node *dec_volumes(struct nctx *c, struct node *n, const struct shape *s)
{
	if (n->kind != NODE_SEQ)
		return type_error(c, n, "a list");
	size_t w = 0;
	for (size_t i = 0; i < n->seq.n; i++) {
		struct node *it = n->seq.v[i], *v;
		struct pos pos = it->pos;
		size_t mark = path_index(c, i);
		if (it->kind == NODE_STR)
			v = parse_volume(c, it);
		else
			v = dec_struct(c, it, s, 1);
		if (v) {
			resolve_bind(c, v, pos);
			n->seq.v[w++] = v;
		}
		path_pop(c, mark);
	}
	n->seq.n = w;
	return w ? n : NULL;
}

static struct node *dec(struct nctx *c, struct node *n, const struct field *f)
{
	switch (f->type) {
	case T_STR:
	case T_STR_KEEP:
		return dec_str(c, n, f->type == T_STR_KEEP);
	case T_BOOL:
	case T_PBOOL:
		return dec_bool(c, n, f->type == T_PBOOL);
	case T_INT:
	case T_INT_KEEP:
	case T_UINT:
	case T_PUINT:
	case T_UINT32:
	case T_PUINT32:
		return dec_int(c, n, f->type);
	case T_FLOAT32:
		return dec_float32(c, n);
	case T_DURATION:
	case T_PDURATION:
		return dec_duration(c, n, f->type == T_PDURATION);
	case T_BYTES:
		return dec_bytes(c, n);
	case T_LIST:
	case T_STRLIST:
	case T_EXPOSE:
		return dec_list(c, n, f->type);
	case T_SHELLCMD:
		return dec_shellcmd(c, n);
	case T_HCTEST:
		return dec_hctest(c, n);
	case T_MAPEQ:
	case T_MAPSTR:
	case T_MAPSS:
		return dec_mapping(c, n, f->type);
	case T_HOSTS:
		return dec_hosts(c, n);
	case T_EXTERNAL:
		return dec_external(c, n);
	case T_STRUCT:
	case T_PSTRUCT:
		return dec_struct(c, n, f->sub, f->type == T_PSTRUCT);
	case T_LIST_STRUCT:
		return dec_list_struct(c, n, f->sub);
	case T_BUILD:
		return dec_build(c, n, f->sub);
	case T_PORTS:
		return dec_ports(c, n, f->sub);
	case T_VOLUMES:
		return dec_volumes(c, n, f->sub);
	case T_FILEREFS:
		return dec_filerefs(c, n, f->sub);
	case T_SVCNETS:
		return dec_svcnets(c, n, f->sub);
	case T_ULIMITS:
		return dec_ulimits(c, n);
	}
	BUG("unknown field type %d", (int)f->type);
}

/* ---- environment ---- */

/* updateEnvironment: an empty or null value takes the process environment's. */
static struct node *env_value(struct nctx *c, const char *key, struct node *v)
{
	if (v->kind == NODE_NULL || (v->kind == NODE_STR && !v->len)) {
		const char *pv = lookup_env(c, key);
		if (pv)
			return set_str(c, v, pv);
	}
	return v;
}

/* The whole file (at most LOAD_MAX_BYTES); NULL with *err = errno value. */
static char *read_file(const char *path, size_t *len, int *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		*err = errno;
		return NULL;
	}
	struct sbuf sb = SBUF_INIT;
	char buf[8192];
	size_t n;
	*err = 0;
	while (!*err && (n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (sb.len + n > LOAD_MAX_BYTES)
			*err = EFBIG;
		else
			sb_put(&sb, buf, n);
	}
	if (!*err && ferror(f))
		*err = errno ? errno : EIO;
	fclose(f);
	if (*err) {
		sbuf_release(&sb);
		return NULL;
	}
	return sbuf_detach(&sb, len);
}

/* The env file's lines cut after the key, so excerpts never show a value. */
static uint32_t add_redacted_source(struct nctx *c, const char *name, const char *text, size_t len)
{
	char *red = xmalloc(len + 1);
	size_t w = 0;
	int in_value = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			in_value = 0;
		if (!in_value)
			red[w++] = text[i];
		if (text[i] == '=')
			in_value = 1;
	}
	uint32_t src = source_add(&c->run->sources, name, name, red, w);
	free(red);
	return src;
}

static const char *env_lookup_cb(void *ctx, const char *name)
{
	return lookup_env(ctx, name);
}

static void read_env_file(struct nctx *c, struct node *env, struct node *ref)
{
	const char *path = abs_path(c, ref->s.text);
	size_t len;
	int err_no;
	char *text = read_file(path, &len, &err_no);
	if (!text) {
		fail(c, ref->pos, "normalize.env-file", "cannot read env file %s: %s",
		     diag_repr_all(&c->run->diag, path, strlen(path)), strerror(err_no));
		return;
	}
	uint32_t src = add_redacted_source(c, path, text, len);
	struct kvfile kv;
	struct sbuf err = SBUF_INIT;
	size_t line = 0;
	if (kvfile_parse(&kv, c->a, text, len, env_lookup_cb, c, &err, &line)) {
		fail(c, pos_make(src, line, 1), "normalize.env-file",
		     "invalid env file: %s", err.buf);
		diag_note(&c->run->diag, ref->pos, "env file referenced here");
	} else {
		for (size_t i = 0; i < kv.n; i++) {
			struct pos p = pos_make(src, kv.v[i].line, 1);
			node_map_add_key(c->a, env, kv.v[i].key, p,
					 node_new_strn(c->a, p, kv.v[i].value, kv.v[i].value_len));
		}
	}
	sbuf_release(&err);
	free(text);
}

/*
 * env_file entries, then environment on top (the last value of a key wins);
 * a null or empty value then takes the process environment's.
 */
static void resolve_environment(struct nctx *c, struct node *svc)
{
	struct node_entry *fe = node_map_find(svc, "env_file");
	struct node_entry *ee = node_map_find(svc, "environment");
	/* without env files the decoded environment map is the result */
	struct node *env = ee && !fe ? ee->val : node_new_map(c->a, ee ? ee->val->pos : svc->pos);
	if (fe) {
		size_t mark = path_key(c, "env_file");
		for (size_t i = 0; i < fe->val->seq.n; i++) {
			size_t m2 = path_index(c, i);
			read_env_file(c, env, fe->val->seq.v[i]);
			path_pop(c, m2);
		}
		path_pop(c, mark);
	}
	if (ee && env != ee->val) {
		node_map_reserve(c->a, env, ee->val->map.n);
		for (size_t i = 0; i < ee->val->map.n; i++) {
			struct node_entry *e = &ee->val->map.v[i];
			node_map_add_key(c->a, env, e->key, e->keypos, e->val);
		}
	}
	map_keep_last(env);
	for (size_t i = 0; i < env->map.n; i++)
		env->map.v[i].val = env_value(c, env->map.v[i].key, env->map.v[i].val);
	if (ee)
		ee->val = env;
	else if (env->map.n)
		node_map_add_key(c->a, svc, "environment", svc->pos, env);
	if (ee && !env->map.n)
		node_map_remove(svc, "environment");
}

/* ---- top level ---- */

/* versions.GreaterThanOrEqualTo */
static int version_ge(const char *v, const char *than)
{
	while (*v || *than) {
		long a = strtol(v, NULL, 10), b = strtol(than, NULL, 10);
		if (a != b)
			return a > b;
		v += strcspn(v, ".");
		v += *v == '.';
		than += strcspn(than, ".");
		than += *than == '.';
	}
	return 1;
}

/* The decoded external field: 0 = not external; 1 with *name = external.name or NULL. */
static int external_of(struct node_entry *e, struct node_entry **name)
{
	*name = NULL;
	if (!e)
		return 0;
	if (e->val->kind == NODE_MAP)
		*name = node_map_find(e->val, "name");
	return 1;
}

/*
 * External objects: the name defaults to the key, the deprecated
 * external.name becomes name (warning from deprecated_since on), and the
 * external field prints as `true`. Returns 1 for an external object.
 */
static int resolve_external(struct nctx *c, struct node *obj, const char *kind, const char *key,
			    const char *deprecated_since)
{
	struct node_entry *ext = node_map_find(obj, "external"), *ename;
	if (!external_of(ext, &ename))
		return 0;
	struct pos pos = ext->val->pos, extpos = ext->keypos;
	/* before adding name: that may move obj's entries, ext among them */
	ext->val = node_new_bool(c->a, pos, 1);
	if (ename) {
		struct node_entry *ne = node_map_find(obj, "name");
		if (ne)
			fail(c, ne->keypos, "normalize.conflict",
			     "%s %s: %s.external.name and %s.name conflict; only use %s.name",
			     kind, key, kind, kind, kind);
		else if (version_ge(c->version, deprecated_since))
			warn(c, ename->keypos, "normalize.deprecated",
			     "%s %s: %s.external.name is deprecated in favor of %s.name",
			     kind, key, kind, kind);
		if (!ne)
			node_map_add_key(c->a, obj, "name", ename->keypos, ename->val);
	} else if (!node_map_find(obj, "name")) {
		node_map_add_key(c->a, obj, "name", extpos, str_ref(c, pos, key));
	}
	return 1;
}

static void volume_conflicts(struct nctx *c, struct node *obj, const char *key)
{
	static const char *const fields[] = { "driver", "driver_opts", "labels" };
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		struct node_entry *e = node_map_find(obj, fields[i]);
		if (e) {
			fail(c, e->keypos, "normalize.conflict",
			     "conflicting parameters \"external\" and \"%s\" specified for volume %s",
			     fields[i], repr(c, key));
			return;
		}
	}
}

enum section { SEC_NETWORKS, SEC_VOLUMES, SEC_SECRETS, SEC_CONFIGS };

static struct node *normalize_object(struct nctx *c, enum section sec, const char *key,
				     struct node *in)
{
	static const struct {
		const char *kind;
		const struct shape *shape;
		const char *deprecated_since;
	} info[] = {
		[SEC_NETWORKS] = { "network", &network_shape, "3.5" },
		[SEC_VOLUMES] = { "volume", &volume_shape, "3.4" },
		[SEC_SECRETS] = { "secret", &fileobj_shape, "3.5" },
		[SEC_CONFIGS] = { "config", &fileobj_shape, "3.5" },
	};
	int netvol = sec == SEC_NETWORKS || sec == SEC_VOLUMES;
	if (in->kind == NODE_NULL && netvol)
		return node_new_map(c->a, in->pos);
	/* docker keeps x-* of external networks and volumes only */
	struct node_entry *extras = NULL;
	size_t nextras = netvol && in->kind == NODE_MAP ? save_extras(&extras, in) : 0;
	struct node *obj = dec_struct(c, in, info[sec].shape, 1);
	int external = 0;
	const char *kind = info[sec].kind;
	if (obj) {
		if (sec == SEC_VOLUMES && node_map_find(obj, "external"))
			volume_conflicts(c, obj, key);
		external = resolve_external(c, obj, kind, key, info[sec].deprecated_since);
		if (external)
			add_extras(c, obj, extras, nextras);
	}
	free(extras);
	if (!obj || netvol)
		return obj;
	struct node_entry *fe = node_map_find(obj, "file");
	if (external)
		return obj;
	if (node_map_find(obj, "driver")) {
		if (fe)
			fail(c, fe->keypos, "normalize.conflict",
			     "%s %s: %s.driver and %s.file conflict; only use %s.driver",
			     kind, key, kind, kind, kind);
		return obj;
	}
	const char *file = fe ? fe->val->s.text : "";
	struct node *abs = str_ref(c, fe ? fe->val->pos : obj->pos, abs_path(c, file));
	node_map_set(c->a, obj, "file", fe ? fe->keypos : obj->pos, abs);
	return obj;
}

static struct node *normalize_section(struct nctx *c, enum section sec, const char *name,
				      struct node *in)
{
	if (in->kind != NODE_MAP)
		return type_error(c, in, "a mapping");
	size_t w = 0;
	for (size_t i = 0; i < in->map.n; i++) {
		struct node_entry *e = &in->map.v[i];
		size_t mark = path_key(c, name);
		path_key(c, e->key);
		struct node *v = normalize_object(c, sec, e->key, e->val);
		path_pop(c, mark);
		if (v)
			in->map.v[w++] = (struct node_entry){ e->key, e->keypos, 0, v };
	}
	in->map.n = w;
	return w ? in : NULL;
}

static struct node *normalize_one_service(struct nctx *c, const char *name, struct node *in)
{
	size_t mark = path_key(c, "services");
	path_key(c, name);
	struct node *svc = dec_struct(c, in, &service_shape, 1);
	if (svc)
		resolve_environment(c, svc);
	path_pop(c, mark);
	return svc;
}

static struct node *normalize_services(struct nctx *c, struct node *in)
{
	if (in->kind != NODE_MAP)
		return type_error(c, in, "a mapping");
	size_t w = 0;
	for (size_t i = 0; i < in->map.n; i++) {
		struct node_entry *e = &in->map.v[i];
		struct node *svc = normalize_one_service(c, e->key, e->val);
		if (svc)
			in->map.v[w++] = (struct node_entry){ e->key, e->keypos, 0, svc };
	}
	in->map.n = w;
	return in;
}

static void set_version(struct nctx *c, const struct node *root)
{
	struct node *v = node_map_get(root, "version");
	const char *s = v && v->kind == NODE_STR ? v->s.text : "";
	if (!*s || !strcmp(s, "3") || strlen(s) >= sizeof(c->version))
		s = "3.13";
	strcpy(c->version, s);
}

int normalize_file(struct node **out, struct run *run, struct node *root,
		   const struct normalize_opts *o)
{
	static const char *const sections[] = {
		[SEC_NETWORKS] = "networks", [SEC_VOLUMES] = "volumes",
		[SEC_SECRETS] = "secrets", [SEC_CONFIGS] = "configs",
	};
	struct nctx c;
	nctx_init(&c, run, o);
	if (root->kind != NODE_MAP)
		BUG("normalize_file on a %s", node_kind_name(root->kind));
	set_version(&c, root);
	struct node *res = node_new_map(c.a, root->pos);
	struct node_entry *ve = node_map_find(root, "version");
	if (ve)
		node_map_add_key(c.a, res, "version", ve->keypos, ve->val);
	struct node_entry *se = node_map_find(root, "services");
	struct node *services = se ? normalize_services(&c, se->val) : NULL;
	node_map_add_key(c.a, res, "services", se ? se->keypos : root->pos,
			 services ? services : node_new_map(c.a, se ? se->val->pos : root->pos));
	for (size_t s = 0; s < ARRAY_SIZE(sections); s++) {
		struct node_entry *e = node_map_find(root, sections[s]);
		struct node *v = e ? normalize_section(&c, (enum section)s, sections[s], e->val) : NULL;
		if (v)
			node_map_add_key(c.a, res, sections[s], e->keypos, v);
	}
	copy_extras(&c, res, root);
	sbuf_release(&c.path);
	*out = res;
	return c.failed ? -1 : 0;
}
