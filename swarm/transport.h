/*
 * An Engine transport: how one HTTP request reaches the Docker daemon and how
 * its reply comes back. The request layer (engine.c) owns everything else:
 * where the daemon is (-H, DOCKER_HOST, contexts, TLS settings), which
 * transport speaks to it, the API version and its /v1.xx prefix, JSON in and
 * out, the reply size cap, tracing and the daemon's error replies. A transport
 * knows nothing of JSON or API versions.
 *
 * The contract of roundtrip(t, req, reply, err):
 *   - send req->method and req->path as they are (the version prefix and the
 *     URL-encoded query are already in the path); each of req->headers, lines
 *     "Name: value", as a header; req->body, when not NULL, as the body with
 *     Content-Type: application/json (a POST without a body sends an empty one);
 *   - hand every response header line to transport_reply_header(), set
 *     reply->status to the HTTP status (any status is a success here: the
 *     request layer reads error replies), and append the body to reply->body
 *     with sbuf_add(). That buffer is capped: when sbuf_add() refuses, stop
 *     and return TRANSPORT_TOO_BIG (the request layer says so);
 *   - otherwise return 0, or -1 with one line in *err saying what failed,
 *     naming the request or the endpoint ("cannot connect to the Docker Engine
 *     at unix:///var/run/docker.sock: ... (is the daemon running?)").
 * Requests come one at a time; keeping a connection open between them is the
 * transport's business. close() frees the transport; the request layer calls
 * it exactly once, also when a roundtrip or the version negotiation failed.
 *
 * clone(t, out, err), optional (NULL: the transport cannot): another
 * transport to the same daemon with the same settings, with a connection of
 * its own, sharing no handle with t, so that t and the clone may each run a
 * roundtrip at the same time from different threads (engine_open_sibling(),
 * the parallel apply). -1 with a message when it cannot be made.
 *
 * Two transports:
 *   libcurl   (transport_curl.c) unix://, tcp://, http://, https://, TLS;
 *             libcurl itself is opened at the first use (base/dlib.h);
 *   replay    (transport_replay.c) the tests' canned Engine: replies from a
 *             file, requests recorded (format: testdata/engine/README.md).
 * ssh has no clone (one ssh process per run, by design): a parallel apply
 * over ssh:// sends its writes one at a time.
 *
 * Adding one, say ssh:// (docker runs `ssh HOST -- docker system dial-stdio`
 * and speaks HTTP over its stdin and stdout):
 *   1. transport_ssh.c: a struct whose first member is a struct transport, a
 *      roundtrip that writes the request to the pipe and parses the reply,
 *      a close that ends the ssh process, and an open function of the same
 *      shape as transport_curl_open() (struct transport_target has the host);
 *   2. declare that open function below;
 *   3. add the scheme and the function to the table in engine.c
 *      (open_transport()), which picks a transport by the host's scheme.
 * Nothing else changes: negotiation, JSON, tracing and the commands work on
 * any transport.
 */
#ifndef STACKC_SWARM_TRANSPORT_H
#define STACKC_SWARM_TRANSPORT_H

#include <stddef.h>

#include "base/sbuf.h"

struct transport_request {
	const char *method;          /* "GET", "POST", "DELETE" */
	const char *path;            /* "/v1.47/services?filters=..." */
	const char *const *headers;  /* "Name: value" lines, NULL-terminated; NULL: none */
	const char *body;            /* JSON text, or NULL */
};

struct transport_reply {
	int status;                  /* HTTP status */
	struct sbuf body;            /* capped; see the contract */
	char api_version[16];        /* the Api-Version header, "" when there was none */
};

/* The return value of roundtrip() when the reply body passed reply->body's cap. */
#define TRANSPORT_TOO_BIG (-2)

struct transport;

struct transport_ops {
	int (*roundtrip)(struct transport *t, const struct transport_request *req,
			 struct transport_reply *reply, struct sbuf *err);
	void (*close)(struct transport *t);
	int (*clone)(struct transport *t, struct transport **out, struct sbuf *err);
};

/* Every transport's state starts with this. */
struct transport {
	const struct transport_ops *ops;
};

/*
 * Given by the request layer to transports: one response header line as it
 * came (with or without its line end); the reply keeps what the request layer
 * reads (Api-Version, any case, blanks trimmed; a value too long is dropped).
 */
void transport_reply_header(struct transport_reply *reply, const char *line, size_t len);

/* Where the daemon is and how to reach it, resolved by the request layer. */
struct transport_target {
	const char *host;          /* DOCKER_HOST syntax: "unix:///var/run/docker.sock", "tcp://h:2376" */
	int tls, tls_verify;       /* TLS (never on unix://); verify the daemon's certificate */
	const char *tls_dir;       /* ca.pem, cert.pem, key.pem, each used when it exists; or NULL */
	long connect_timeout_ms;   /* > 0 */
	long timeout_ms;           /* per request, > 0 */
	int debug;                 /* say on stderr what the transport starts (the ssh command) */
};

/*
 * libcurl: unix://PATH (no TLS, as the docker client), tcp://, http://,
 * https:// (port 2376 with TLS, else 2375, when none is given). -1 with a
 * message when libcurl cannot be loaded or the host has no address.
 */
int transport_curl_open(struct transport **out, const struct transport_target *target,
			struct sbuf *err);

/*
 * ssh://[user@]host[:port][/socket-path]: the URL is checked now (-1 with a
 * message); ssh itself starts at the first request, and failures to start or
 * to authenticate come from that request ("cannot connect to the Docker Engine
 * at ssh://...: ssh exited with status 255: Permission denied (publickey).").
 */
int transport_ssh_open(struct transport **out, const struct transport_target *target,
		       struct sbuf *err);

/*
 * Replay: the replies file is read and checked now (-1 with "PATH:LINE: ..."
 * when it is malformed). Requests are appended to record_path (NULL: not
 * recorded; "-": stderr, in order with the messages). Each request takes the
 * first unused reply that matches it: a keyed reply (`<<< 200 POST /path
 * body-text`) only its method, path and a body containing body-text, an
 * unkeyed one any request; a file without keys is thus answered in order. A
 * request no reply is left for fails with "replay: no reply left for METHOD
 * PATH". Clones share the replies and the record (under a mutex); only a
 * file with keyed replies can be cloned: an unkeyed conversation answered
 * from several threads would depend on their timing.
 */
int transport_replay_open(struct transport **out, const char *replies_path,
			  const char *record_path, struct sbuf *err);

#endif
