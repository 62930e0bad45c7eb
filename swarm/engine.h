/*
 * The Docker Engine client's request layer: one connection per run, JSON in
 * and out. How the bytes travel is a transport's business (transport.h:
 * libcurl, ssh, or the tests' replay transport).
 *
 * Where the daemon is: -H/--host, else DOCKER_HOST, else the docker context
 * (DOCKER_CONTEXT, or currentContext in $DOCKER_CONFIG/config.json, default
 * ~/.docker → contexts/meta/<sha256 of the name>/meta.json, Endpoints.docker.Host;
 * TLS files from contexts/tls/<sha256>/docker/), else unix:///var/run/docker.sock.
 * unix://, tcp:// (port 2376 with TLS, else 2375) and ssh://[user@]host[:port]
 * (transport_ssh.c: the system's ssh runs `docker system dial-stdio` on the
 * host, one ssh process per run). TLS when DOCKER_TLS_VERIFY is
 * non-empty (server certificate verified) or DOCKER_CERT_PATH is set (not verified),
 * with ca.pem, cert.pem, key.pem from DOCKER_CERT_PATH (default ~/.docker), each
 * used when it exists.
 *
 * The API version is negotiated once, when the engine is opened, with GET
 * /_ping: the smaller of the daemon's Api-Version and ENGINE_API_MAX;
 * DOCKER_API_VERSION pins it and skips the ping. Every path then gets the
 * /v1.xx prefix.
 *
 * Responses are capped (ENGINE_MAX_RESPONSE); a bigger one is an error.
 * With debug on (or STACKC_TRACE set) each request is logged to stderr as
 *   stackc: engine: POST /v1.47/services/create 201 12ms
 *
 * Errors: engine_open/engine_request return -1 only for transport failures
 * (cannot connect, timeout, TLS, oversize, bad JSON) with a message in *err.
 * HTTP error statuses are returned normally; engine_error_message() gives the
 * daemon's own message from such a reply (a non-JSON error body becomes
 * {"message": <its text>}).
 *
 * Tests replace the transport: engine_open_replay() reads a file of canned
 * replies and records the requests made (format: testdata/engine/README.md).
 * engine_open() does the same when STACKC_ENGINE_REPLAY names a replies file
 * (requests recorded to STACKC_ENGINE_RECORD when set; "-" is stderr), so
 * commands can be tested as golden cases.
 */
#ifndef STACKC_SWARM_ENGINE_H
#define STACKC_SWARM_ENGINE_H

#include <stddef.h>

struct json_t;
struct sbuf;
struct engine;
struct transport;

#define ENGINE_MAX_RESPONSE (64u << 20)
/* The newest API version stackc speaks (the Engine 27 API). */
#define ENGINE_API_MAX "1.47"

struct engine_opts {
	const char *host;      /* -H value, or NULL */
	int debug;             /* log each request to stderr */
	long connect_timeout_ms; /* 0: 10 s */
	long timeout_ms;       /* per request; 0: 60 s */
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

/*
 * GET path and expect 200: anything else is an error carrying the daemon's
 * message ("Error response from daemon: ..."); *out is then NULL.
 */
int engine_get(struct engine *e, const char *path, const char *registry_auth,
	       struct json_t **out, struct sbuf *err);

/* The daemon's message in an error reply ({"message": ...}), or a fallback. */
const char *engine_error_message(const struct json_t *resp);

/*
 * GET /info: 0 when this node is a swarm manager (Swarm.ControlAvailable);
 * else -1 with docker's "this node is not a swarm manager..." (or the transport
 * or daemon error) in *err.
 */
int engine_require_manager(struct engine *e, struct sbuf *err);

/*
 * Append the query value of a filters parameter (an object: key → {value: true})
 * as the docker CLI sends it, byte for byte: the JSON of Go's json.Marshal
 * (compact, keys sorted, <, > and & escaped as \u003c, \u003e, \u0026),
 * URL-encoded as Go's url.QueryEscape does (space as '+'):
 *   sb_puts(&path, "/services?filters="); engine_put_filters(&path, f);
 * Every filters parameter stackc sends is made here.
 */
void engine_put_filters(struct sbuf *path, const struct json_t *filters);

/*
 * Another connection to e's daemon, with e's settings and API version (no
 * new negotiation), for requests sent at the same time as e's from another
 * thread: the two share no state (the transport's clone(), transport.h).
 * -1 with a message when e's transport has no clone (ssh://, a replay file
 * without keyed replies). Free it with engine_free() before e: its writes are
 * then added to e's count.
 */
int engine_open_sibling(struct engine **out, struct engine *e, struct sbuf *err);

/* Number of write requests (POST/PUT/DELETE) answered so far. */
size_t engine_write_count(const struct engine *e);

/*
 * The docker CLI's configuration directory (config.json, contexts/):
 * $DOCKER_CONFIG when set and not empty, else $HOME/.docker; a heap string.
 */
char *engine_config_dir(void);

/* The negotiated API version, "1.41". */
const char *engine_api_version(const struct engine *e);

/* Lower the response cap (tests); 0 restores ENGINE_MAX_RESPONSE. */
void engine_set_max_response(struct engine *e, size_t max);

/* Test transport: replies from a file; requests appended to record_path (NULL: not
 * recorded; "-": stderr). */
int engine_open_replay(struct engine **out, const char *replay_path, const char *record_path,
		       struct sbuf *err);

/*
 * An engine over a transport already open (what engine_open and
 * engine_open_replay do once they have one): negotiates the version through it.
 * The engine owns t from here on, also when this fails (t is then closed).
 * endpoint names the daemon in messages; opts may be NULL (only debug is read).
 */
int engine_open_transport(struct engine **out, struct transport *t, const char *endpoint,
			  const struct engine_opts *opts, struct sbuf *err);

#endif
