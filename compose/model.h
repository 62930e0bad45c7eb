/*
 * The compose model: the structs of docker's compose types (docker/cli
 * cli/compose/types, v28.2.2) as one table, one row per field. What each
 * stage of the pipeline knows about a field, it reads from its row:
 *
 *   key    the field's YAML key;
 *   type   its Go type, which decides how docker's loader decodes a value
 *          (mapstructure and its transform hooks: "50M" → "52428800", a
 *          string command shlex-split, ...) and what its zero is:
 *          normalize reads it;
 *   flags  MF_POINTER: a pointer (*uint64, *Duration, *struct; for lists
 *          and maps of structs []*T, map[string]*T): a zero value that is
 *          set is still printed (replicas: 0, healthcheck: {});
 *          MF_NO_OMITEMPTY: printed even when zero or absent;
 *          without either, yaml.v3's omitempty drops a zero value;
 *   merge  how a later file's value merges into an earlier one's (mergo
 *          WithOverride/WithAppendSlice and docker's transformers): merge
 *          reads it;
 *   sub    the struct the value holds: as itself, as list items or as map
 *          values (the type says which);
 *
 * and the rows of a struct stand in the Go declaration order, which is the
 * order docker prints them in: emit reads it (with the flags: a struct held
 * by value prints {} when null, one held by a pointer prints null).
 *
 * Adding a compose key is adding its row: in its struct, at the place of
 * the Go field. Only a key that needs something new beyond that touches
 * more: a new kind of decoding is a type here and its decoder in
 * compose/normalize*.c; a new merge behaviour, a rule here and its case in
 * merge/merge.c; a new struct, an id below and its entry in model.c.
 * tests/unit/test_model.c holds the table to the newest schema in schemas/:
 * a schema key without a row must be listed there as deliberately absent
 * (as oom_score_adj is: docker's structs drop it).
 *
 * One lookup serves every stage: model_field_index(), by the exact key.
 * Normalize writes each field's key as its row's own string, so emit can
 * place a normalized struct's entries by comparing addresses first.
 *
 * What the table does not say, on purpose (it is code, not data):
 *  - Matching: only normalize also finds a field by a key in another case,
 *    as mapstructure does (`Image:`); merge and emit see normalized keys.
 *  - x-* keys: structs with MS_EXTRAS keep them beside their fields (the Go
 *    struct's inline Extras map). Networks and volumes keep them only when
 *    external (normalize), and the file's own x-* (Config) are the first
 *    file's where a service's are merged deep (merge): docker's quirks.
 *  - Defaults docker fills in after decoding (an external object's name,
 *    absolute file and bind paths, the environment from env files and the
 *    process) are normalize's code; the keyed lists' collapsing, ulimits,
 *    logging and service networks are merge's (their rules name them).
 *  - Config's rows give the printed order, the merge rules and the structs
 *    of a file's sections; normalize's own table of sections adds what each
 *    needs beyond that (its defaults, its messages), and `version` is kept
 *    as written.
 *
 * The table is static data; the index behind model_field_index() is built
 * on the first lookup (a BUG() if two rows of a struct share a key).
 */
#ifndef STACKC_COMPOSE_MODEL_H
#define STACKC_COMPOSE_MODEL_H

#include <stddef.h>

/* A field's Go type, which names the decoding docker's loader applies. */
enum model_type {
	/* scalars */
	MT_STRING,           /* string */
	MT_BOOL,             /* bool */
	MT_INT,              /* int, int64 */
	MT_UINT64,           /* uint64: a negative value is an error */
	MT_UINT32,           /* uint32: the low 32 bits, as Go's reflect keeps them */
	MT_FLOAT32,          /* float32: printed with float32 digits */
	MT_DURATION,         /* Duration: printed as Go prints it ("1m30s") */
	MT_UNIT_BYTES,       /* UnitBytes: "50M" → "52428800" */
	/* lists and maps of strings */
	MT_STRINGS,          /* []string */
	MT_STRING_LIST,      /* StringList: a string is a one-item list */
	MT_STRING_OR_NUMBERS, /* StringOrNumberList: numbers printed as strings */
	MT_SHELL_COMMAND,    /* ShellCommand: a string is shlex-split */
	MT_HEALTHCHECK_TEST, /* HealthCheckTest: a string s is [CMD-SHELL, s] */
	MT_MAPPING_EQUALS,   /* MappingWithEquals: a map or KEY[=VALUE] list; null kept */
	MT_MAPPING,          /* Mapping, Labels: a map or KEY=VALUE list; null → "" */
	MT_STRING_MAP,       /* map[string]string: a map only; null → "" */
	MT_HOSTS_LIST,       /* HostsList: a map or list, printed as "host:ip" items */
	MT_EXTERNAL,         /* External: a bool, or {name} (deprecated) */
	/* structs */
	MT_STRUCT,           /* sub; omitted when empty unless MF_POINTER */
	MT_STRUCTS,          /* []sub */
	MT_STRUCT_MAP,       /* map[string]sub (a file's sections) */
	MT_BUILD,            /* BuildConfig: a string is the context */
	MT_PORTS,            /* []ServicePortConfig: also "8080:80/tcp" */
	MT_VOLUMES,          /* []ServiceVolumeConfig: also "./src:/dst:ro" */
	MT_FILE_REFS,        /* []ServiceSecretConfig, []ServiceConfigObjConfig: also "name" */
	MT_SERVICE_NETWORKS, /* map[string]*ServiceNetworkConfig: also a list of names */
	MT_ULIMITS,          /* map[string]*UlimitsConfig: also `nofile: 1024` */
};

/* A field's flags */
#define MF_POINTER      0x1u /* a pointer: set to zero, still printed */
#define MF_NO_OMITEMPTY 0x2u /* always printed, zero when absent */

/* How a later file's value for a field merges into an earlier file's value. */
enum model_merge {
	MR_WITH_PARENT,      /* never on its own: what holds it is replaced or keyed whole */
	MR_SCALAR,           /* the override when it is not zero ("", 0, false) */
	MR_POINTER,          /* *uint64: the override whenever it is set, 0 too */
	MR_POINTER_BOOL,     /* *bool: set over unset; over a set value only true */
	MR_POINTER_DURATION, /* *Duration: set over unset; over a set value only non-zero */
	MR_DURATION,         /* Duration: the override when it is not zero */
	MR_APPEND,           /* lists: the override's items appended */
	MR_COMMAND,          /* command, entrypoint: replaced when the override is not empty */
	MR_ENVIRONMENT,      /* by key; an empty or null value only replaces an empty or null one */
	MR_BY_KEY,           /* by key; every override key wins, "" and null too */
	MR_PORTS,            /* one item per published port, the last wins, sorted */
	MR_VOLUMES,          /* one item per target, the last wins, sorted */
	MR_FILE_REFS,        /* one item per source, the last wins, sorted */
	MR_ULIMITS,          /* by name, a name's whole entry replaced; a null override ignored */
	MR_LOGGING,          /* options by key under the same driver, else the override */
	MR_NETWORKS,         /* service networks: aliases replaced, addresses when set */
	MR_STRUCT,           /* field by field, by these rules */
	MR_SERVICES,         /* by name; a service in both merged field by field, sorted by name */
	MR_FIRST_FILE,       /* the first file's: an override is ignored */
	MR_REPLACE,          /* the override wins (keys without a row) */
	MR_DEEP,             /* maps merged by key, lists appended, else replaced (x-* values) */
};

struct model_struct;

struct model_field {
	const char *key;
	enum model_type type;
	unsigned flags; /* MF_* */
	enum model_merge merge;
	const struct model_struct *sub;
};

/* A struct's flags */
#define MS_EXTRAS 0x1u /* x-* keys are kept beside the fields (an inline Extras map) */

struct model_struct {
	const char *go_name;             /* the Go type, for tests and messages */
	const struct model_field *fields; /* in Go declaration (= printed) order */
	size_t nfields;
	unsigned flags;                   /* MS_* */
};

/* Every struct of the model, by the Go type's name. */
enum model_struct_id {
	MS_CONFIG,              /* a file: version, services, networks, volumes, secrets, configs */
	MS_SERVICE,
	MS_BUILD,
	MS_CREDENTIAL_SPEC,
	MS_DEPLOY,
	MS_UPDATE,              /* update_config, rollback_config */
	MS_RESOURCES,
	MS_RESOURCE_LIMIT,      /* resources.limits */
	MS_RESOURCE,            /* resources.reservations */
	MS_GENERIC_RESOURCE,
	MS_DISCRETE_RESOURCE,
	MS_RESTART_POLICY,
	MS_PLACEMENT,
	MS_PLACEMENT_PREFERENCE,
	MS_HEALTHCHECK,
	MS_LOGGING,
	MS_SERVICE_NETWORK,
	MS_PORT,
	MS_SERVICE_VOLUME,
	MS_VOLUME_BIND,
	MS_VOLUME_VOLUME,
	MS_VOLUME_IMAGE,
	MS_VOLUME_TMPFS,
	MS_VOLUME_CLUSTER,
	MS_FILE_REF,            /* a service's secrets and configs items */
	MS_ULIMIT,
	MS_NETWORK,
	MS_IPAM,
	MS_IPAM_POOL,
	MS_EXTERNAL,
	MS_VOLUME,
	MS_CLUSTER_VOLUME_SPEC, /* a volume's x-cluster-spec */
	MS_ACCESS_MODE,
	MS_MOUNT_VOLUME,
	MS_BLOCK_VOLUME,
	MS_TOPOLOGY_REQUIREMENT,
	MS_TOPOLOGY,
	MS_CAPACITY_RANGE,
	MS_VOLUME_SECRET,
	MS_FILE_OBJECT,         /* a file's secrets and configs */
	MODEL_NSTRUCTS
};

extern const struct model_struct model_structs[MODEL_NSTRUCTS];

/* The struct of an id: MODEL(SERVICE) */
#define MODEL(id) (&model_structs[MS_##id])

/* The id of a struct of the table. */
static inline size_t model_struct_id(const struct model_struct *st)
{
	return (size_t)(st - model_structs);
}

/* The number of st's row whose key is key (exactly), or -1. */
int model_field_index(const struct model_struct *st, const char *key);

/* st's row for key, or NULL. */
const struct model_field *model_field(const struct model_struct *st, const char *key);

/* Is a set zero value of the field printed (a pointer, or no omitempty)? */
static inline int model_keeps_zero(const struct model_field *f)
{
	return (f->flags & (MF_POINTER | MF_NO_OMITEMPTY)) != 0;
}

#endif
