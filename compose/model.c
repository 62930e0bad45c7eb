/*
 * The compose model's table and its one index; see model.h.
 *
 * Rows follow the Go structs of cli/compose/types/types.go (v28.2.2) field by
 * field; a struct's comment names the Go type. Columns: key, type, flags,
 * merge rule, the struct it holds.
 */
#include "compose/model.h"
#include "base/hash.h"
#include "base/xalloc.h"

#include <stdint.h>
#include <string.h>

#define PTR MF_POINTER
#define KEEP MF_NO_OMITEMPTY
#define STRUCT(name, fields, flags) { name, fields, ARRAY_SIZE(fields), flags }

/* Config: one file */
static const struct model_field config_fields[] = {
	{ "version",  MT_STRING,     0, MR_FIRST_FILE, NULL },
	{ "services", MT_STRUCT_MAP, 0, MR_SERVICES,   MODEL(SERVICE) },
	{ "networks", MT_STRUCT_MAP, 0, MR_BY_KEY,     MODEL(NETWORK) },
	{ "volumes",  MT_STRUCT_MAP, 0, MR_BY_KEY,     MODEL(VOLUME) },
	{ "secrets",  MT_STRUCT_MAP, 0, MR_BY_KEY,     MODEL(FILE_OBJECT) },
	{ "configs",  MT_STRUCT_MAP, 0, MR_BY_KEY,     MODEL(FILE_OBJECT) },
};

/* ServiceConfig */
static const struct model_field service_fields[] = {
	{ "build",             MT_BUILD,             0,   MR_STRUCT,           MODEL(BUILD) },
	{ "cap_add",           MT_STRINGS,           0,   MR_APPEND,           NULL },
	{ "cap_drop",          MT_STRINGS,           0,   MR_APPEND,           NULL },
	{ "cgroupns_mode",     MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "cgroup_parent",     MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "command",           MT_SHELL_COMMAND,     0,   MR_COMMAND,          NULL },
	{ "configs",           MT_FILE_REFS,         0,   MR_FILE_REFS,        MODEL(FILE_REF) },
	{ "container_name",    MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "credential_spec",   MT_STRUCT,            0,   MR_STRUCT,           MODEL(CREDENTIAL_SPEC) },
	{ "depends_on",        MT_STRINGS,           0,   MR_APPEND,           NULL },
	{ "deploy",            MT_STRUCT,            0,   MR_STRUCT,           MODEL(DEPLOY) },
	{ "devices",           MT_STRINGS,           0,   MR_APPEND,           NULL },
	{ "dns",               MT_STRING_LIST,       0,   MR_APPEND,           NULL },
	{ "dns_search",        MT_STRING_LIST,       0,   MR_APPEND,           NULL },
	{ "domainname",        MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "entrypoint",        MT_SHELL_COMMAND,     0,   MR_COMMAND,          NULL },
	{ "environment",       MT_MAPPING_EQUALS,    0,   MR_ENVIRONMENT,      NULL },
	{ "env_file",          MT_STRING_LIST,       0,   MR_APPEND,           NULL },
	{ "expose",            MT_STRING_OR_NUMBERS, 0,   MR_APPEND,           NULL },
	{ "external_links",    MT_STRINGS,           0,   MR_APPEND,           NULL },
	{ "extra_hosts",       MT_HOSTS_LIST,        0,   MR_APPEND,           NULL },
	{ "hostname",          MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "healthcheck",       MT_STRUCT,            PTR, MR_STRUCT,           MODEL(HEALTHCHECK) },
	{ "image",             MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "init",              MT_BOOL,              PTR, MR_POINTER_BOOL,     NULL },
	{ "ipc",               MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "isolation",         MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "labels",            MT_MAPPING,           0,   MR_BY_KEY,           NULL },
	{ "links",             MT_STRINGS,           0,   MR_APPEND,           NULL },
	{ "logging",           MT_STRUCT,            PTR, MR_LOGGING,          MODEL(LOGGING) },
	{ "mac_address",       MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "network_mode",      MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "networks",          MT_SERVICE_NETWORKS,  PTR, MR_NETWORKS,         MODEL(SERVICE_NETWORK) },
	{ "pid",               MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "ports",             MT_PORTS,             0,   MR_PORTS,            MODEL(PORT) },
	{ "privileged",        MT_BOOL,              0,   MR_SCALAR,           NULL },
	{ "read_only",         MT_BOOL,              0,   MR_SCALAR,           NULL },
	{ "restart",           MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "secrets",           MT_FILE_REFS,         0,   MR_FILE_REFS,        MODEL(FILE_REF) },
	{ "security_opt",      MT_STRINGS,           0,   MR_APPEND,           NULL },
	{ "shm_size",          MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "stdin_open",        MT_BOOL,              0,   MR_SCALAR,           NULL },
	{ "stop_grace_period", MT_DURATION,          PTR, MR_POINTER_DURATION, NULL },
	{ "stop_signal",       MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "sysctls",           MT_MAPPING,           0,   MR_BY_KEY,           NULL },
	{ "tmpfs",             MT_STRING_LIST,       0,   MR_APPEND,           NULL },
	{ "tty",               MT_BOOL,              0,   MR_SCALAR,           NULL },
	{ "ulimits",           MT_ULIMITS,           PTR, MR_ULIMITS,          MODEL(ULIMIT) },
	{ "user",              MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "userns_mode",       MT_STRING,            0,   MR_SCALAR,           NULL },
	{ "volumes",           MT_VOLUMES,           0,   MR_VOLUMES,          MODEL(SERVICE_VOLUME) },
	{ "working_dir",       MT_STRING,            0,   MR_SCALAR,           NULL },
};

/* BuildConfig */
static const struct model_field build_fields[] = {
	{ "context",     MT_STRING,         0, MR_SCALAR,      NULL },
	{ "dockerfile",  MT_STRING,         0, MR_SCALAR,      NULL },
	{ "args",        MT_MAPPING_EQUALS, 0, MR_ENVIRONMENT, NULL },
	{ "labels",      MT_MAPPING,        0, MR_BY_KEY,      NULL },
	{ "cache_from",  MT_STRING_LIST,    0, MR_APPEND,      NULL },
	{ "extra_hosts", MT_HOSTS_LIST,     0, MR_APPEND,      NULL },
	{ "network",     MT_STRING,         0, MR_SCALAR,      NULL },
	{ "target",      MT_STRING,         0, MR_SCALAR,      NULL },
};

/* CredentialSpecConfig */
static const struct model_field credential_spec_fields[] = {
	{ "config",   MT_STRING, 0, MR_SCALAR, NULL },
	{ "file",     MT_STRING, 0, MR_SCALAR, NULL },
	{ "registry", MT_STRING, 0, MR_SCALAR, NULL },
};

/* DeployConfig */
static const struct model_field deploy_fields[] = {
	{ "mode",            MT_STRING,  0,   MR_SCALAR,  NULL },
	{ "replicas",        MT_UINT64,  PTR, MR_POINTER, NULL },
	{ "labels",          MT_MAPPING, 0,   MR_BY_KEY,  NULL },
	{ "update_config",   MT_STRUCT,  PTR, MR_STRUCT,  MODEL(UPDATE) },
	{ "rollback_config", MT_STRUCT,  PTR, MR_STRUCT,  MODEL(UPDATE) },
	{ "resources",       MT_STRUCT,  0,   MR_STRUCT,  MODEL(RESOURCES) },
	{ "restart_policy",  MT_STRUCT,  PTR, MR_STRUCT,  MODEL(RESTART_POLICY) },
	{ "placement",       MT_STRUCT,  0,   MR_STRUCT,  MODEL(PLACEMENT) },
	{ "endpoint_mode",   MT_STRING,  0,   MR_SCALAR,  NULL },
};

/* UpdateConfig */
static const struct model_field update_fields[] = {
	{ "parallelism",       MT_UINT64,   PTR, MR_POINTER,  NULL },
	{ "delay",             MT_DURATION, 0,   MR_DURATION, NULL },
	{ "failure_action",    MT_STRING,   0,   MR_SCALAR,   NULL },
	{ "monitor",           MT_DURATION, 0,   MR_DURATION, NULL },
	{ "max_failure_ratio", MT_FLOAT32,  0,   MR_SCALAR,   NULL },
	{ "order",             MT_STRING,   0,   MR_SCALAR,   NULL },
};

/* Resources */
static const struct model_field resources_fields[] = {
	{ "limits",       MT_STRUCT, PTR, MR_STRUCT, MODEL(RESOURCE_LIMIT) },
	{ "reservations", MT_STRUCT, PTR, MR_STRUCT, MODEL(RESOURCE) },
};

/* ResourceLimit */
static const struct model_field resource_limit_fields[] = {
	{ "cpus",   MT_STRING,     0, MR_SCALAR, NULL },
	{ "memory", MT_UNIT_BYTES, 0, MR_SCALAR, NULL },
	{ "pids",   MT_INT,        0, MR_SCALAR, NULL },
};

/* Resource */
static const struct model_field resource_fields[] = {
	{ "cpus",              MT_STRING,     0, MR_SCALAR, NULL },
	{ "memory",            MT_UNIT_BYTES, 0, MR_SCALAR, NULL },
	{ "generic_resources", MT_STRUCTS,    0, MR_APPEND, MODEL(GENERIC_RESOURCE) },
};

/* GenericResource */
static const struct model_field generic_resource_fields[] = {
	{ "discrete_resource_spec", MT_STRUCT, PTR, MR_WITH_PARENT, MODEL(DISCRETE_RESOURCE) },
};

/* DiscreteGenericResource */
static const struct model_field discrete_resource_fields[] = {
	{ "kind",  MT_STRING, KEEP, MR_WITH_PARENT, NULL },
	{ "value", MT_INT,    KEEP, MR_WITH_PARENT, NULL },
};

/* RestartPolicy */
static const struct model_field restart_policy_fields[] = {
	{ "condition",    MT_STRING,   0,   MR_SCALAR,           NULL },
	{ "delay",        MT_DURATION, PTR, MR_POINTER_DURATION, NULL },
	{ "max_attempts", MT_UINT64,   PTR, MR_POINTER,          NULL },
	{ "window",       MT_DURATION, PTR, MR_POINTER_DURATION, NULL },
};

/* Placement */
static const struct model_field placement_fields[] = {
	{ "constraints",           MT_STRINGS, 0, MR_APPEND, NULL },
	{ "preferences",           MT_STRUCTS, 0, MR_APPEND, MODEL(PLACEMENT_PREFERENCE) },
	{ "max_replicas_per_node", MT_UINT64,  0, MR_SCALAR, NULL },
};

/* PlacementPreferences */
static const struct model_field placement_preference_fields[] = {
	{ "spread", MT_STRING, 0, MR_WITH_PARENT, NULL },
};

/* HealthCheckConfig */
static const struct model_field healthcheck_fields[] = {
	{ "test",           MT_HEALTHCHECK_TEST, 0,   MR_APPEND,           NULL },
	{ "timeout",        MT_DURATION,         PTR, MR_POINTER_DURATION, NULL },
	{ "interval",       MT_DURATION,         PTR, MR_POINTER_DURATION, NULL },
	{ "retries",        MT_UINT64,           PTR, MR_POINTER,          NULL },
	{ "start_period",   MT_DURATION,         PTR, MR_POINTER_DURATION, NULL },
	{ "start_interval", MT_DURATION,         PTR, MR_POINTER_DURATION, NULL },
	{ "disable",        MT_BOOL,             0,   MR_SCALAR,           NULL },
};

/* LoggingConfig (merged by its own rule, MR_LOGGING) */
static const struct model_field logging_fields[] = {
	{ "driver",  MT_STRING,     0, MR_WITH_PARENT, NULL },
	{ "options", MT_STRING_MAP, 0, MR_WITH_PARENT, NULL },
};

/* ServiceNetworkConfig (merged by its own rule, MR_NETWORKS) */
static const struct model_field service_network_fields[] = {
	{ "aliases",      MT_STRINGS,    0, MR_WITH_PARENT, NULL },
	{ "driver_opts",  MT_STRING_MAP, 0, MR_WITH_PARENT, NULL },
	{ "ipv4_address", MT_STRING,     0, MR_WITH_PARENT, NULL },
	{ "ipv6_address", MT_STRING,     0, MR_WITH_PARENT, NULL },
};

/* ServicePortConfig */
static const struct model_field port_fields[] = {
	{ "mode",      MT_STRING, 0, MR_WITH_PARENT, NULL },
	{ "target",    MT_UINT32, 0, MR_WITH_PARENT, NULL },
	{ "published", MT_UINT32, 0, MR_WITH_PARENT, NULL },
	{ "protocol",  MT_STRING, 0, MR_WITH_PARENT, NULL },
};

/* ServiceVolumeConfig */
static const struct model_field service_volume_fields[] = {
	{ "type",        MT_STRING, 0,   MR_WITH_PARENT, NULL },
	{ "source",      MT_STRING, 0,   MR_WITH_PARENT, NULL },
	{ "target",      MT_STRING, 0,   MR_WITH_PARENT, NULL },
	{ "read_only",   MT_BOOL,   0,   MR_WITH_PARENT, NULL },
	{ "consistency", MT_STRING, 0,   MR_WITH_PARENT, NULL },
	{ "bind",        MT_STRUCT, PTR, MR_WITH_PARENT, MODEL(VOLUME_BIND) },
	{ "volume",      MT_STRUCT, PTR, MR_WITH_PARENT, MODEL(VOLUME_VOLUME) },
	{ "image",       MT_STRUCT, PTR, MR_WITH_PARENT, MODEL(VOLUME_IMAGE) },
	{ "tmpfs",       MT_STRUCT, PTR, MR_WITH_PARENT, MODEL(VOLUME_TMPFS) },
	{ "cluster",     MT_STRUCT, PTR, MR_WITH_PARENT, MODEL(VOLUME_CLUSTER) },
};

/* ServiceVolumeBind */
static const struct model_field volume_bind_fields[] = {
	{ "propagation", MT_STRING, 0, MR_WITH_PARENT, NULL },
};

/* ServiceVolumeVolume */
static const struct model_field volume_volume_fields[] = {
	{ "nocopy",  MT_BOOL,   0, MR_WITH_PARENT, NULL },
	{ "subpath", MT_STRING, 0, MR_WITH_PARENT, NULL },
};

/* ServiceVolumeImage */
static const struct model_field volume_image_fields[] = {
	{ "subpath", MT_STRING, 0, MR_WITH_PARENT, NULL },
};

/* ServiceVolumeTmpfs */
static const struct model_field volume_tmpfs_fields[] = {
	{ "size", MT_INT, 0, MR_WITH_PARENT, NULL },
};

/* ServiceSecretConfig, ServiceConfigObjConfig (FileReferenceConfig) */
static const struct model_field file_ref_fields[] = {
	{ "source", MT_STRING, 0,   MR_WITH_PARENT, NULL },
	{ "target", MT_STRING, 0,   MR_WITH_PARENT, NULL },
	{ "uid",    MT_STRING, 0,   MR_WITH_PARENT, NULL },
	{ "gid",    MT_STRING, 0,   MR_WITH_PARENT, NULL },
	{ "mode",   MT_UINT32, PTR, MR_WITH_PARENT, NULL },
};

/* UlimitsConfig (a single limit prints as a bare number) */
static const struct model_field ulimit_fields[] = {
	{ "soft", MT_INT, 0, MR_WITH_PARENT, NULL },
	{ "hard", MT_INT, 0, MR_WITH_PARENT, NULL },
};

/* NetworkConfig */
static const struct model_field network_fields[] = {
	{ "name",        MT_STRING,     0, MR_WITH_PARENT, NULL },
	{ "driver",      MT_STRING,     0, MR_WITH_PARENT, NULL },
	{ "driver_opts", MT_STRING_MAP, 0, MR_WITH_PARENT, NULL },
	{ "ipam",        MT_STRUCT,     0, MR_WITH_PARENT, MODEL(IPAM) },
	{ "external",    MT_EXTERNAL,   0, MR_WITH_PARENT, MODEL(EXTERNAL) },
	{ "internal",    MT_BOOL,       0, MR_WITH_PARENT, NULL },
	{ "attachable",  MT_BOOL,       0, MR_WITH_PARENT, NULL },
	{ "labels",      MT_MAPPING,    0, MR_WITH_PARENT, NULL },
};

/* IPAMConfig */
static const struct model_field ipam_fields[] = {
	{ "driver", MT_STRING,  0,   MR_WITH_PARENT, NULL },
	{ "config", MT_STRUCTS, PTR, MR_WITH_PARENT, MODEL(IPAM_POOL) },
};

/* IPAMPool */
static const struct model_field ipam_pool_fields[] = {
	{ "subnet", MT_STRING, 0, MR_WITH_PARENT, NULL },
};

/* External: printed as `true`, or as {name} by docker for the deprecated form */
static const struct model_field external_fields[] = {
	{ "name",     MT_STRING, 0, MR_WITH_PARENT, NULL },
	{ "external", MT_BOOL,   0, MR_WITH_PARENT, NULL },
};

/* VolumeConfig */
static const struct model_field volume_fields[] = {
	{ "name",           MT_STRING,     0,   MR_WITH_PARENT, NULL },
	{ "driver",         MT_STRING,     0,   MR_WITH_PARENT, NULL },
	{ "driver_opts",    MT_STRING_MAP, 0,   MR_WITH_PARENT, NULL },
	{ "external",       MT_EXTERNAL,   0,   MR_WITH_PARENT, MODEL(EXTERNAL) },
	{ "labels",         MT_MAPPING,    0,   MR_WITH_PARENT, NULL },
	{ "x-cluster-spec", MT_STRUCT,     PTR, MR_WITH_PARENT, MODEL(CLUSTER_VOLUME_SPEC) },
};

/* ClusterVolumeSpec */
static const struct model_field cluster_volume_spec_fields[] = {
	{ "group",                      MT_STRING,  0,   MR_WITH_PARENT, NULL },
	{ "access_mode",                MT_STRUCT,  PTR, MR_WITH_PARENT, MODEL(ACCESS_MODE) },
	{ "accessibility_requirements", MT_STRUCT,  PTR, MR_WITH_PARENT, MODEL(TOPOLOGY_REQUIREMENT) },
	{ "capacity_range",             MT_STRUCT,  PTR, MR_WITH_PARENT, MODEL(CAPACITY_RANGE) },
	{ "secrets",                    MT_STRUCTS, 0,   MR_WITH_PARENT, MODEL(VOLUME_SECRET) },
	{ "availability",               MT_STRING,  0,   MR_WITH_PARENT, NULL },
};

/* AccessMode */
static const struct model_field access_mode_fields[] = {
	{ "scope",        MT_STRING, 0,   MR_WITH_PARENT, NULL },
	{ "sharing",      MT_STRING, 0,   MR_WITH_PARENT, NULL },
	{ "mount_volume", MT_STRUCT, PTR, MR_WITH_PARENT, MODEL(MOUNT_VOLUME) },
	{ "block_volume", MT_STRUCT, PTR, MR_WITH_PARENT, MODEL(BLOCK_VOLUME) },
};

/* MountVolume */
static const struct model_field mount_volume_fields[] = {
	{ "fs_type",     MT_STRING,  0, MR_WITH_PARENT, NULL },
	{ "mount_flags", MT_STRINGS, 0, MR_WITH_PARENT, NULL },
};

/* TopologyRequirement */
static const struct model_field topology_requirement_fields[] = {
	{ "requisite", MT_STRUCTS, 0, MR_WITH_PARENT, MODEL(TOPOLOGY) },
	{ "preferred", MT_STRUCTS, 0, MR_WITH_PARENT, MODEL(TOPOLOGY) },
};

/* Topology */
static const struct model_field topology_fields[] = {
	{ "segments", MT_MAPPING, 0, MR_WITH_PARENT, NULL },
};

/* CapacityRange */
static const struct model_field capacity_range_fields[] = {
	{ "required_bytes", MT_UNIT_BYTES, 0, MR_WITH_PARENT, NULL },
	{ "limit_bytes",    MT_UNIT_BYTES, 0, MR_WITH_PARENT, NULL },
};

/* VolumeSecret */
static const struct model_field volume_secret_fields[] = {
	{ "key",    MT_STRING, 0, MR_WITH_PARENT, NULL },
	{ "secret", MT_STRING, 0, MR_WITH_PARENT, NULL },
};

/* FileObjectConfig: a file's secrets and configs */
static const struct model_field file_object_fields[] = {
	{ "name",            MT_STRING,     0, MR_WITH_PARENT, NULL },
	{ "file",            MT_STRING,     0, MR_WITH_PARENT, NULL },
	{ "external",        MT_EXTERNAL,   0, MR_WITH_PARENT, MODEL(EXTERNAL) },
	{ "labels",          MT_MAPPING,    0, MR_WITH_PARENT, NULL },
	{ "driver",          MT_STRING,     0, MR_WITH_PARENT, NULL },
	{ "driver_opts",     MT_STRING_MAP, 0, MR_WITH_PARENT, NULL },
	{ "template_driver", MT_STRING,     0, MR_WITH_PARENT, NULL },
};

const struct model_struct model_structs[MODEL_NSTRUCTS] = {
	[MS_CONFIG] = STRUCT("Config", config_fields, MS_EXTRAS),
	[MS_SERVICE] = STRUCT("ServiceConfig", service_fields, MS_EXTRAS),
	[MS_BUILD] = STRUCT("BuildConfig", build_fields, 0),
	[MS_CREDENTIAL_SPEC] = STRUCT("CredentialSpecConfig", credential_spec_fields, 0),
	[MS_DEPLOY] = STRUCT("DeployConfig", deploy_fields, 0),
	[MS_UPDATE] = STRUCT("UpdateConfig", update_fields, 0),
	[MS_RESOURCES] = STRUCT("Resources", resources_fields, 0),
	[MS_RESOURCE_LIMIT] = STRUCT("ResourceLimit", resource_limit_fields, 0),
	[MS_RESOURCE] = STRUCT("Resource", resource_fields, 0),
	[MS_GENERIC_RESOURCE] = STRUCT("GenericResource", generic_resource_fields, 0),
	[MS_DISCRETE_RESOURCE] = STRUCT("DiscreteGenericResource", discrete_resource_fields, 0),
	[MS_RESTART_POLICY] = STRUCT("RestartPolicy", restart_policy_fields, 0),
	[MS_PLACEMENT] = STRUCT("Placement", placement_fields, 0),
	[MS_PLACEMENT_PREFERENCE] = STRUCT("PlacementPreferences", placement_preference_fields, 0),
	[MS_HEALTHCHECK] = STRUCT("HealthCheckConfig", healthcheck_fields, 0),
	[MS_LOGGING] = STRUCT("LoggingConfig", logging_fields, 0),
	[MS_SERVICE_NETWORK] = STRUCT("ServiceNetworkConfig", service_network_fields, 0),
	[MS_PORT] = STRUCT("ServicePortConfig", port_fields, 0),
	[MS_SERVICE_VOLUME] = STRUCT("ServiceVolumeConfig", service_volume_fields, 0),
	[MS_VOLUME_BIND] = STRUCT("ServiceVolumeBind", volume_bind_fields, 0),
	[MS_VOLUME_VOLUME] = STRUCT("ServiceVolumeVolume", volume_volume_fields, 0),
	[MS_VOLUME_IMAGE] = STRUCT("ServiceVolumeImage", volume_image_fields, 0),
	[MS_VOLUME_TMPFS] = STRUCT("ServiceVolumeTmpfs", volume_tmpfs_fields, 0),
	[MS_VOLUME_CLUSTER] = { "ServiceVolumeCluster", NULL, 0, 0 }, /* struct{} */
	[MS_FILE_REF] = STRUCT("FileReferenceConfig", file_ref_fields, 0),
	[MS_ULIMIT] = STRUCT("UlimitsConfig", ulimit_fields, 0),
	[MS_NETWORK] = STRUCT("NetworkConfig", network_fields, 0),
	[MS_IPAM] = STRUCT("IPAMConfig", ipam_fields, 0),
	[MS_IPAM_POOL] = STRUCT("IPAMPool", ipam_pool_fields, 0),
	[MS_EXTERNAL] = STRUCT("External", external_fields, 0),
	[MS_VOLUME] = STRUCT("VolumeConfig", volume_fields, 0),
	[MS_CLUSTER_VOLUME_SPEC] = STRUCT("ClusterVolumeSpec", cluster_volume_spec_fields, 0),
	[MS_ACCESS_MODE] = STRUCT("AccessMode", access_mode_fields, 0),
	[MS_MOUNT_VOLUME] = STRUCT("MountVolume", mount_volume_fields, 0),
	[MS_BLOCK_VOLUME] = { "BlockVolume", NULL, 0, 0 }, /* struct{} */
	[MS_TOPOLOGY_REQUIREMENT] = STRUCT("TopologyRequirement", topology_requirement_fields, 0),
	[MS_TOPOLOGY] = STRUCT("Topology", topology_fields, 0),
	[MS_CAPACITY_RANGE] = STRUCT("CapacityRange", capacity_range_fields, 0),
	[MS_VOLUME_SECRET] = STRUCT("VolumeSecret", volume_secret_fields, 0),
	[MS_FILE_OBJECT] = STRUCT("FileObjectConfig", file_object_fields, MS_EXTRAS),
};

/*
 * The index: (struct, key) → row, for every row of every struct, in one
 * open-addressed table. A lookup hashes the key once and compares one
 * string in the usual case.
 */
#define SLOTS 1024 /* a power of two, over twice the rows of the whole table */

static struct {
	unsigned char id1; /* struct id + 1; 0: a free slot */
	unsigned char row;
} slots[SLOTS];
static int indexed;

/* The key's hash, started from the struct's id */
static size_t slot_of(size_t id, const char *key)
{
	return hash_str_from(HASH_SEED ^ (uint32_t)id, key) & (SLOTS - 1);
}

static void index_build(void)
{
	size_t used = 0;
	for (size_t id = 0; id < MODEL_NSTRUCTS; id++) {
		const struct model_struct *st = &model_structs[id];
		if (st->nfields > 255)
			BUG("model: %s has %zu fields", st->go_name, st->nfields);
		for (size_t f = 0; f < st->nfields; f++) {
			size_t i = slot_of(id, st->fields[f].key);
			for (; slots[i].id1; i = (i + 1) & (SLOTS - 1))
				if (slots[i].id1 == id + 1 &&
				    !strcmp(st->fields[slots[i].row].key, st->fields[f].key))
					BUG("model: %s.%s twice", st->go_name, st->fields[f].key);
			slots[i].id1 = (unsigned char)(id + 1);
			slots[i].row = (unsigned char)f;
			if (++used > SLOTS / 2)
				BUG("model: more than %d rows", SLOTS / 2);
		}
	}
	indexed = 1;
}

int model_field_index(const struct model_struct *st, const char *key)
{
	size_t id = model_struct_id(st);
	if (!indexed)
		index_build();
	for (size_t i = slot_of(id, key); slots[i].id1; i = (i + 1) & (SLOTS - 1))
		if (slots[i].id1 == id + 1 && !strcmp(st->fields[slots[i].row].key, key))
			return slots[i].row;
	return -1;
}

const struct model_field *model_field(const struct model_struct *st, const char *key)
{
	int f = model_field_index(st, key);
	return f < 0 ? NULL : &st->fields[f];
}
