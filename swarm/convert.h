/*
 * Stack tree → Engine API request bodies, exactly as `docker stack deploy`
 * (CLI 28.2.2) builds them.
 *
 * Input: the merged, normalized tree (the shape `docker stack config`
 * prints: long port/volume syntax, environment as a map, durations as Go
 * text, memory as decimal strings, absolute file paths).
 *
 * Output, per kind and sorted by swarm name:
 *   networks  only those some service uses (`<stack>_default` when a service
 *             lists none); spec = the POST /networks/create body; external
 *             ones have no spec (looked up by name, never created);
 *   secrets, configs
 *             spec = the create body with Data (base64 of the file, read
 *             now); external ones have no spec. Secret data must never be
 *             printed: plans name a changed content, never show it;
 *   services  spec = the ServiceSpec. Secret/config references carry
 *             SecretName/ConfigName but no SecretID/ConfigID: the caller
 *             binds them with convert_bind_ids() once the IDs are known.
 *             The image is the client-side tagged form (`nginx` →
 *             `nginx:latest`); the com.docker.stack.image label keeps the
 *             text as written.
 *
 * Errors (undefined network/secret/config/volume, bad mode, unreadable file,
 * bad units...) go to run->diag at the offending node; convert_stack()
 * returns -1 when any was reported. All JSON is owned by the stack_spec.
 */
#ifndef STACKC_SWARM_CONVERT_H
#define STACKC_SWARM_CONVERT_H

#include <stddef.h>

#include "swarm/stack.h"

struct json_t;
struct node;
struct run;

#define LABEL_IMAGE "com.docker.stack.image"

struct stack_object {
	enum stack_kind kind;
	const char *key;      /* compose key; arena */
	const char *name;     /* name on the swarm; arena */
	int external;
	struct json_t *spec;  /* NULL when external */
	const char *file;     /* secrets/configs: the file the data was read from, or NULL */
};

struct stack_spec {
	const char *stack;
	struct stack_object *v[DEPLOYED_KINDS]; /* indexed by enum stack_kind */
	size_t n[DEPLOYED_KINDS];
};

int convert_stack(struct stack_spec *out, struct run *run, const struct node *root,
		  const char *stack);
void convert_release(struct stack_spec *s);

/* The object of kind with swarm name `name`, or NULL. */
struct stack_object *convert_find(const struct stack_spec *s, enum stack_kind kind,
				  const char *name);

/*
 * Fill SecretID / ConfigID of a service spec's references (and a
 * credential spec's config) with id_of(ctx, kind, name). A NULL id leaves
 * the field out. Returns the number of references left unbound.
 */
size_t convert_bind_ids(struct json_t *service_spec,
			const char *(*id_of)(void *ctx, enum stack_kind kind, const char *name),
			void *ctx);

/*
 * Whether a network name is one a stack creates or looks up on the swarm: not
 * default, bridge, host, none nor container:<name> (docker's IsUserDefined).
 */
int convert_network_is_user_defined(const char *name);

/* The daemon's limits on a secret's and a config's data. */
#define CONVERT_SECRET_MAX_BYTES (500u * 1024)
#define CONVERT_CONFIG_MAX_BYTES (1000u * 1024)

/*
 * A secret's or config's file as the base64 text of its Data ("" when the
 * file is empty), read at most max bytes of it: a heap string the caller wipes
 * and frees, or NULL with errno (EFBIG: the file is larger than max).
 */
char *convert_file_data(const char *path, size_t max);

/*
 * The image as the Docker client library sends it: familiar form, `:latest`
 * added when there is neither tag nor digest. An unparsable reference is
 * returned as is. Heap string; the caller frees it.
 */
char *convert_image_tagged(const char *image);

/*
 * The length of an image reference's registry domain, by docker's rule: the
 * part before the first '/' when it has a '.' or ':', is "localhost" or has
 * upper case; 0 when there is none (Docker Hub).
 */
size_t convert_image_domain_len(const char *image);

/* Whether domain (dlen bytes, 0: none) is Docker Hub's: none, docker.io or index.docker.io. */
int convert_image_domain_is_hub(const char *domain, size_t dlen);

#endif
