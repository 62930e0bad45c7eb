/*
 * The Docker Engine client: one connection per run (libcurl handle reused for
 * keep-alive), JSON in and out.
 *
 * Where the daemon is: -H/--host, else DOCKER_HOST, else the docker context
 * (DOCKER_CONTEXT, or currentContext in ~/.docker/config.json → the context's
 * meta.json endpoint), else unix:///var/run/docker.sock. unix://, tcp:// and
 * TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH with ca.pem/cert.pem/key.pem).
 * The API version is negotiated once with /_ping.
 *
 * Responses are capped (ENGINE_MAX_RESPONSE); a bigger one is an error.
 * With debug on (or STACKC_TRACE set) each request is logged to stderr as
 *   stackc: engine: POST /v1.47/services/create 201 12ms
 *
 * Errors: engine_open/engine_request return -1 only for transport failures
 * (cannot connect, timeout, TLS, oversize, bad JSON) with a message in *err.
 * HTTP error statuses are returned normally; engine_error_message() gives the
 * daemon's own message from such a reply.
 *
 * Tests replace the transport: engine_open_replay() reads a file of canned
 * replies and records the requests made (see tests/unit/test_engine.c).
 */
#ifndef STACKC_SWARM_ENGINE_H
#define STACKC_SWARM_ENGINE_H

#include <stddef.h>

struct json_t;
struct sbuf;
struct engine;

#define ENGINE_MAX_RESPONSE (64u << 20)

struct engine_opts {
	const char *host;      /* -H value, or NULL */
	int debug;             /* log each request to stderr */
	long connect_timeout_ms;
	long timeout_ms;       /* per request */
};

int engine_open(struct engine **out, const struct engine_opts *opts, struct sbuf *err);
void engine_free(struct engine *e);

/*
 * method: "GET", "POST", "DELETE"; path without the version prefix, with any
 * query string ("/services?filters=..."); body may be NULL (it is not stolen).
 * registry_auth: value for X-Registry-Auth, or NULL.
 * *resp gets the parsed reply body (NULL when empty); the caller decrefs it.
 */
int engine_request(struct engine *e, const char *method, const char *path,
		   const struct json_t *body, const char *registry_auth,
		   int *status, struct json_t **resp, struct sbuf *err);

/* The daemon's message in an error reply ({"message": ...}), or a fallback. */
const char *engine_error_message(const struct json_t *resp);

/* Number of write requests (POST/PUT/DELETE) made so far. */
size_t engine_write_count(const struct engine *e);

/* Test transport: replies from a file; requests appended to record_path. */
int engine_open_replay(struct engine **out, const char *replay_path, const char *record_path,
		       struct sbuf *err);

#endif
