/*
 * The Docker Engine client's request layer; see engine.h for the contract.
 * How a request travels is the transport's business (transport.h).
 */
#include "swarm/engine.h"

#include "base/crypto.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/transport.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define DEFAULT_HOST "unix:///var/run/docker.sock"
#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_TIMEOUT_MS 60000L

struct engine {
	struct transport *transport;
	char *endpoint;         /* where, for messages: "unix:///var/run/docker.sock" */
	char version[16];       /* negotiated API version */
	int debug;
	size_t writes;
	struct engine *parent;  /* a sibling's: its writes are counted there when freed */
	size_t max_response;
	struct transport_reply reply; /* the last one */
};

/* Where the engine is and how to talk TLS to it. */
struct endpoint {
	char *host;             /* DOCKER_HOST syntax */
	char *tls_dir;          /* directory with ca.pem/cert.pem/key.pem, or NULL */
	int tls, tls_verify;
};

static void endpoint_release(struct endpoint *ep)
{
	free(ep->host);
	free(ep->tls_dir);
}

static int env_set(const char *name)
{
	const char *v = getenv(name);
	return v && *v;
}

char *engine_config_dir(void)
{
	if (env_set("DOCKER_CONFIG"))
		return xstrdup(getenv("DOCKER_CONFIG"));
	const char *home = getenv("HOME");
	return xstrfmt("%s/.docker", home ? home : "");
}

static int file_exists(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* The current context's name: DOCKER_CONTEXT, else currentContext in config.json. */
static int current_context(char **name, const char *confdir, struct sbuf *err)
{
	*name = NULL;
	if (env_set("DOCKER_CONTEXT")) {
		*name = xstrdup(getenv("DOCKER_CONTEXT"));
		return 0;
	}
	char *path = xstrfmt("%s/config.json", confdir);
	json_error_t jerr;
	json_t *conf = json_load_file(path, 0, &jerr);
	int ret = 0;
	if (!conf) {
		if (file_exists(path)) {
			sb_printf(err, "cannot read %s: %s", path, jerr.text);
			ret = -1;
		}
		goto done;
	}
	const char *cur = json_string_value(json_object_get(conf, "currentContext"));
	if (cur && *cur)
		*name = xstrdup(cur);
	json_decref(conf);
done:
	free(path);
	return ret;
}

static int context_endpoint(struct endpoint *ep, const char *confdir, const char *name,
			    struct sbuf *err)
{
	char sha[65];
	crypto_sha256_hex(sha, name, strlen(name));
	char *meta = xstrfmt("%s/contexts/meta/%s/meta.json", confdir, sha);
	json_error_t jerr;
	json_t *root = json_load_file(meta, 0, &jerr);
	int ret = -1;
	if (!root) {
		if (file_exists(meta))
			sb_printf(err, "cannot read context \"%s\" (%s): %s", name, meta, jerr.text);
		else
			sb_printf(err, "context \"%s\" not found (no %s)", name, meta);
		goto done;
	}
	json_t *docker = json_object_get(json_object_get(root, "Endpoints"), "docker");
	const char *host = json_string_value(json_object_get(docker, "Host"));
	if (!host || !*host) {
		sb_printf(err, "context \"%s\" has no docker endpoint (%s)", name, meta);
		goto done;
	}
	ep->host = xstrdup(host);
	char *tls = xstrfmt("%s/contexts/tls/%s/docker", confdir, sha);
	char *ca = xstrfmt("%s/ca.pem", tls), *cert = xstrfmt("%s/cert.pem", tls);
	if (file_exists(ca) || file_exists(cert)) {
		ep->tls = 1;
		ep->tls_verify = !json_is_true(json_object_get(docker, "SkipTLSVerify"));
		ep->tls_dir = tls;
		tls = NULL;
	}
	free(ca);
	free(cert);
	free(tls);
	ret = 0;
done:
	json_decref(root);
	free(meta);
	return ret;
}

static int resolve_endpoint(struct endpoint *ep, const struct engine_opts *opts, struct sbuf *err)
{
	memset(ep, 0, sizeof(*ep));
	const char *host = opts && opts->host ? opts->host : getenv("DOCKER_HOST");
	if (!host || !*host) {
		char *confdir = engine_config_dir(), *ctx = NULL;
		int ret = current_context(&ctx, confdir, err);
		if (!ret && ctx && strcmp(ctx, "default"))
			ret = context_endpoint(ep, confdir, ctx, err);
		free(ctx);
		free(confdir);
		if (ret)
			return -1;
		if (ep->host)
			return 0;
		host = DEFAULT_HOST;
	}
	ep->host = xstrdup(host);
	if (env_set("DOCKER_TLS_VERIFY") || env_set("DOCKER_CERT_PATH")) {
		ep->tls = 1;
		ep->tls_verify = env_set("DOCKER_TLS_VERIFY");
		ep->tls_dir = env_set("DOCKER_CERT_PATH") ? xstrdup(getenv("DOCKER_CERT_PATH"))
							  : engine_config_dir();
	}
	return 0;
}

/* ---- one round trip ---- */

void transport_reply_header(struct transport_reply *reply, const char *line, size_t len)
{
	static const char name[] = "api-version:";
	if (len <= sizeof(name) - 1 || strncasecmp(line, name, sizeof(name) - 1))
		return;
	const char *v = line + sizeof(name) - 1;
	size_t n = len - (sizeof(name) - 1);
	while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	while (n && *v == ' ')
		v++, n--;
	if (n >= sizeof(reply->api_version))
		n = 0;
	memcpy(reply->api_version, v, n);
	reply->api_version[n] = '\0';
}

/* Send one request through the transport into e->reply, traced when asked. */
static int roundtrip(struct engine *e, const char *method, const char *path, const char *body,
		     const char *const *headers, struct sbuf *err)
{
	struct transport_request req = { method, path, headers, body };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sbuf_release(&e->reply.body);
	sbuf_init(&e->reply.body, e->max_response);
	e->reply.status = 0;
	e->reply.api_version[0] = '\0';
	int ret = e->transport->ops->roundtrip(e->transport, &req, &e->reply, err);
	if (ret == TRANSPORT_TOO_BIG)
		sb_printf(err, "the Engine's reply to %s %s is larger than %zu bytes", method, path,
			  e->max_response);
	if (e->debug) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (ret)
			fprintf(stderr, "stackc: engine: %s %s failed %ldms\n", method, path, ms);
		else
			fprintf(stderr, "stackc: engine: %s %s %d %ldms\n", method, path, e->reply.status, ms);
	}
	return ret ? -1 : 0;
}

/* ---- version negotiation ---- */

static int parse_version(const char *v, int *major, int *minor)
{
	char *end;
	errno = 0;
	long a = strtol(v, &end, 10);
	if (end == v || *end != '.' || a < 0 || a > 99)
		return -1;
	const char *m = end + 1;
	long b = strtol(m, &end, 10);
	if (end == m || *end || b < 0 || b > 999 || errno)
		return -1;
	*major = (int)a;
	*minor = (int)b;
	return 0;
}

static int negotiate(struct engine *e, struct sbuf *err)
{
	int ma, mi, oa, oi;
	if (parse_version(ENGINE_API_MAX, &oa, &oi))
		BUG("bad ENGINE_API_MAX");
	if (env_set("DOCKER_API_VERSION")) {
		const char *v = getenv("DOCKER_API_VERSION");
		if (parse_version(v, &ma, &mi)) {
			sb_puts(err, "DOCKER_API_VERSION: expected a version like 1.41, got ");
			sb_repr(err, v, strlen(v), 20);
			return -1;
		}
		snprintf(e->version, sizeof(e->version), "%d.%d", ma, mi);
		return 0;
	}
	if (roundtrip(e, "GET", "/_ping", NULL, NULL, err))
		return -1;
	/* an old daemon without the header speaks 1.24, as the docker client assumes */
	const char *theirs = e->reply.api_version[0] ? e->reply.api_version : "1.24";
	if (parse_version(theirs, &ma, &mi)) {
		sb_printf(err, "the Docker Engine at %s announced a bad API version ", e->endpoint);
		sb_repr(err, theirs, strlen(theirs), 20);
		return -1;
	}
	if (ma > oa || (ma == oa && mi > oi))
		ma = oa, mi = oi;
	snprintf(e->version, sizeof(e->version), "%d.%d", ma, mi);
	return 0;
}

/* ---- opening ---- */

/* Which transport speaks to a host, by its scheme (transport.h: adding one). */
static const struct {
	const char *scheme;
	int (*open)(struct transport **out, const struct transport_target *target, struct sbuf *err);
} transports[] = {
	{ "unix://", transport_curl_open },
	{ "tcp://", transport_curl_open },
	{ "http://", transport_curl_open },
	{ "https://", transport_curl_open },
	{ "ssh://", transport_ssh_open },
};

static int open_transport(struct transport **out, const struct endpoint *ep,
			  const struct engine_opts *opts, struct sbuf *err)
{
	struct transport_target target = {
		.host = ep->host,
		.tls = ep->tls,
		.tls_verify = ep->tls_verify,
		.tls_dir = ep->tls_dir,
		.connect_timeout_ms = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms
									   : DEFAULT_CONNECT_TIMEOUT_MS,
		.timeout_ms = opts && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS,
		.debug = (opts && opts->debug) || env_set("STACKC_TRACE"),
	};
	for (size_t i = 0; i < ARRAY_SIZE(transports); i++)
		if (!strncmp(ep->host, transports[i].scheme, strlen(transports[i].scheme)))
			return transports[i].open(out, &target, err);
	sb_printf(err, "unsupported Docker host %s: stackc speaks unix://, tcp:// and ssh://", ep->host);
	if (!strchr(ep->host, ':'))
		sb_puts(err, " (the address needs a scheme)");
	return -1;
}

int engine_open_transport(struct engine **out, struct transport *t, const char *endpoint,
			  const struct engine_opts *opts, struct sbuf *err)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	e->transport = t;
	e->endpoint = xstrdup(endpoint);
	e->debug = (opts && opts->debug) || env_set("STACKC_TRACE");
	e->max_response = ENGINE_MAX_RESPONSE;
	sbuf_init(&e->reply.body, e->max_response);
	*out = NULL;
	if (negotiate(e, err)) {
		engine_free(e);
		return -1;
	}
	*out = e;
	return 0;
}

static int open_replay(struct engine **out, const char *replay_path, const char *record_path,
		       const struct engine_opts *opts, struct sbuf *err)
{
	struct transport *t;
	*out = NULL;
	if (transport_replay_open(&t, replay_path, record_path, err))
		return -1;
	char *endpoint = xstrfmt("replay:%s", replay_path);
	int ret = engine_open_transport(out, t, endpoint, opts, err);
	free(endpoint);
	return ret;
}

int engine_open(struct engine **out, const struct engine_opts *opts, struct sbuf *err)
{
	*out = NULL;
	/* contexts and the plan hash: fail here, not halfway through a deploy */
	if (crypto_load(err))
		return -1;
	if (env_set("STACKC_ENGINE_REPLAY")) {
		const char *rec = getenv("STACKC_ENGINE_RECORD");
		return open_replay(out, getenv("STACKC_ENGINE_REPLAY"), rec && *rec ? rec : NULL, opts,
				   err);
	}
	struct endpoint ep;
	struct transport *t;
	int ret = -1;
	if (resolve_endpoint(&ep, opts, err) || open_transport(&t, &ep, opts, err))
		goto done;
	ret = engine_open_transport(out, t, ep.host, opts, err);
done:
	endpoint_release(&ep);
	return ret;
}

int engine_open_replay(struct engine **out, const char *replay_path, const char *record_path,
		       struct sbuf *err)
{
	return open_replay(out, replay_path, record_path, NULL, err);
}

int engine_open_sibling(struct engine **out, struct engine *e, struct sbuf *err)
{
	struct transport *t;
	*out = NULL;
	if (!e->transport->ops->clone) {
		sb_printf(err, "the connection to %s takes one request at a time", e->endpoint);
		return -1;
	}
	if (e->transport->ops->clone(e->transport, &t, err))
		return -1;
	struct engine *s = xcalloc(1, sizeof(*s));
	s->transport = t;
	s->endpoint = xstrdup(e->endpoint);
	memcpy(s->version, e->version, sizeof(s->version));
	s->debug = e->debug;
	s->parent = e;
	s->max_response = e->max_response;
	sbuf_init(&s->reply.body, s->max_response);
	*out = s;
	return 0;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	if (e->parent)
		e->parent->writes += e->writes;
	e->transport->ops->close(e->transport);
	sbuf_release(&e->reply.body);
	free(e->endpoint);
	free(e);
}

/* ---- requests ---- */

static int is_write(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD");
}

int engine_request(struct engine *e, const char *method, const char *path,
		   const struct json_t *body, const char *registry_auth,
		   int *status, struct json_t **resp, struct sbuf *err)
{
	char *full = xstrfmt("/v%s%s", e->version, path);
	char *text = body ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	int ret = -1;
	*resp = NULL;
	if (body && !text)
		die("cannot encode a request body");
	char *auth = registry_auth ? xstrfmt("X-Registry-Auth: %s", registry_auth) : NULL;
	const char *const headers[] = { auth, NULL };
	int failed = roundtrip(e, method, full, text, auth ? headers : NULL, err);
	free(auth);
	if (failed)
		goto done;
	*status = e->reply.status;
	if (is_write(method))
		e->writes++;
	const struct sbuf *got = &e->reply.body;
	if (!got->len) {
		ret = 0;
		goto done;
	}
	json_error_t jerr;
	*resp = json_loadb(got->buf, got->len, JSON_DECODE_ANY, &jerr);
	if (!*resp) {
		if (*status >= 400) {
			/* plain-text errors ("404 page not found") still carry the message */
			size_t n = got->len;
			while (n && (got->buf[n - 1] == '\n' || got->buf[n - 1] == '\r'))
				n--;
			*resp = json_pack("{s:s%}", "message", got->buf, n);
			if (!*resp) /* not UTF-8 */
				*resp = json_pack("{s:s}", "message", "(an unreadable error reply)");
		} else {
			sb_printf(err, "%s %.*s: the Engine's reply is not JSON: %s", method,
				  (int)strcspn(full, "?"), full, jerr.text);
			goto done;
		}
	}
	ret = 0;
done:
	free(text);
	free(full);
	return ret;
}

const char *engine_error_message(const struct json_t *resp)
{
	const char *m = json_string_value(json_object_get(resp, "message"));
	return m && *m ? m : "the Engine gave no error message";
}

int engine_get(struct engine *e, const char *path, const char *registry_auth, json_t **out,
	       struct sbuf *err)
{
	int status = 0;
	*out = NULL;
	if (engine_request(e, "GET", path, NULL, registry_auth, &status, out, err))
		return -1;
	if (status != 200) {
		sb_printf(err, "Error response from daemon: %s", engine_error_message(*out));
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int engine_require_manager(struct engine *e, struct sbuf *err)
{
	json_t *info = NULL;
	int ret = -1;
	if (engine_get(e, "/info", NULL, &info, err))
		goto done;
	if (!json_is_true(json_object_get(json_object_get(info, "Swarm"), "ControlAvailable"))) {
		sb_puts(err, "this node is not a swarm manager. Use \"docker swarm init\" or "
			     "\"docker swarm join\" to connect this node to swarm and try again");
		goto done;
	}
	ret = 0;
done:
	json_decref(info);
	return ret;
}

/*
 * The JSON the docker CLI sends is Go's json.Marshal: map keys sorted, and
 * <, >, & and U+2028/U+2029 escaped for HTML, with \u escapes in lower case.
 * jansson sorts keys on request but escapes none of these, so its compact
 * output is rewritten: outside its own escapes these bytes only occur in
 * strings.
 */
static void put_go_json(struct sbuf *out, const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '\\') {
			sb_putc(out, *p++);
			int hex = *p == 'u' ? 4 : 0;
			sb_putc(out, *p);
			for (; hex && p[1]; hex--)
				sb_putc(out, tolower((unsigned char)*++p));
		} else if (*p == '<' || *p == '>' || *p == '&') {
			sb_printf(out, "\\u%04x", *p);
		} else if (!strncmp(p, "\xe2\x80\xa8", 3) || !strncmp(p, "\xe2\x80\xa9", 3)) {
			sb_printf(out, "\\u%04x", p[2] == '\xa8' ? 0x2028 : 0x2029);
			p += 2;
		} else {
			sb_putc(out, *p);
		}
	}
}

/* Go's url.QueryEscape: unreserved bytes as they are, space as '+', the rest %XX. */
static void put_query_escaped(struct sbuf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (c && strchr("-_.~", c))) {
			sb_putc(out, c);
		} else if (c == ' ') {
			sb_putc(out, '+');
		} else {
			sb_putc(out, '%');
			sb_putc(out, hex[c >> 4]);
			sb_putc(out, hex[c & 15]);
		}
	}
}

void engine_put_filters(struct sbuf *path, const struct json_t *filters)
{
	char *dump = json_dumps(filters, JSON_COMPACT | JSON_SORT_KEYS);
	if (!dump)
		die("cannot encode filters");
	struct sbuf go = SBUF_INIT;
	put_go_json(&go, dump);
	put_query_escaped(path, go.buf, go.len);
	sbuf_release(&go);
	free(dump);
}

size_t engine_write_count(const struct engine *e)
{
	return e->writes;
}

const char *engine_api_version(const struct engine *e)
{
	return e->version;
}

void engine_set_max_response(struct engine *e, size_t max)
{
	e->max_response = max ? max : ENGINE_MAX_RESPONSE;
}
