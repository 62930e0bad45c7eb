/* The Docker Engine client; see engine.h for the contract. */
#include "swarm/engine.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "base/crypto.h"
#include "base/dlib.h"

/* calls go through the table below: no type-checking macros */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
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

/*
 * libcurl is loaded when a command first talks to the Engine, not at start:
 * linked in, it and the ~30 libraries behind it cost every run ~4.5 ms and
 * ~7 MiB before main() (measured), which `config`/`validate` never need.
 */
static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *c);
	const char *(*easy_strerror)(CURLcode rc);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
} libcurl;

#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init libcurl.global_init
#define curl_easy_init libcurl.easy_init
#define curl_easy_setopt libcurl.easy_setopt
#define curl_easy_perform libcurl.easy_perform
#define curl_easy_getinfo libcurl.easy_getinfo
#define curl_easy_cleanup libcurl.easy_cleanup
#define curl_easy_strerror libcurl.easy_strerror
#define curl_slist_append libcurl.slist_append
#define curl_slist_free_all libcurl.slist_free_all

static int load_libcurl(struct sbuf *err)
{
	static const char *const names[] = { "libcurl.so.4", "libcurl.so", "libcurl-gnutls.so.4" };
#define SYM(field, name) { (void **)&libcurl.field, name }
	static const struct dlib_sym syms[] = {
		SYM(global_init, "curl_global_init"),
		SYM(easy_init, "curl_easy_init"),
		SYM(easy_setopt, "curl_easy_setopt"),
		SYM(easy_perform, "curl_easy_perform"),
		SYM(easy_getinfo, "curl_easy_getinfo"),
		SYM(easy_cleanup, "curl_easy_cleanup"),
		SYM(easy_strerror, "curl_easy_strerror"),
		SYM(slist_append, "curl_slist_append"),
		SYM(slist_free_all, "curl_slist_free_all"),
	};
#undef SYM
	static void *handle;
	if (handle)
		return 0;
	return dlib_open(&handle, names, ARRAY_SIZE(names), NULL, syms, ARRAY_SIZE(syms), "libcurl",
			 "libcurl4", err);
}

/* One canned reply of the replay transport. */
struct reply {
	int status;
	char *api_version; /* Api-Version header, or NULL */
	char *body;
	size_t body_len;
};

struct engine {
	char *endpoint;         /* where, for messages: "unix:///var/run/docker.sock" */
	char version[16];       /* negotiated API version */
	int debug;
	size_t writes;
	size_t max_response;

	/* libcurl transport */
	CURL *curl;
	char *base_url;         /* "http://localhost", "https://host:2376" */
	char curl_err[CURL_ERROR_SIZE];

	/* replay transport */
	struct reply *replies;
	size_t nr_replies, next_reply;
	FILE *record;

	/* the reply being received */
	struct sbuf body;
	char api_header[16];
	int too_big;
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

static char *docker_config_dir(void)
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
		char *confdir = docker_config_dir(), *ctx = NULL;
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
							  : docker_config_dir();
	}
	return 0;
}

/* ---- receiving ---- */

static size_t on_body(char *p, size_t size, size_t n, void *data)
{
	struct engine *e = data;
	if (sbuf_add(&e->body, p, size * n)) {
		e->too_big = 1;
		return 0;
	}
	return size * n;
}

static void take_api_version(struct engine *e, const char *v, size_t n)
{
	while (n && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	while (n && *v == ' ')
		v++, n--;
	if (n >= sizeof(e->api_header))
		n = 0;
	memcpy(e->api_header, v, n);
	e->api_header[n] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *data)
{
	static const char name[] = "api-version:";
	size_t len = size * n;
	if (len > sizeof(name) - 1 && !strncasecmp(p, name, sizeof(name) - 1))
		take_api_version(data, p + sizeof(name) - 1, len - (sizeof(name) - 1));
	return len;
}

static void start_reply(struct engine *e)
{
	sbuf_release(&e->body);
	sbuf_init(&e->body, e->max_response);
	e->api_header[0] = '\0';
	e->too_big = 0;
}

/* ---- the two transports: send one request, fill e->body, *status ---- */

static int curl_roundtrip(struct engine *e, const char *method, const char *path,
			  const char *body, const char *auth, int *status, struct sbuf *err)
{
	CURL *c = e->curl;
	struct curl_slist *hdrs = NULL;
	char *url = xstrfmt("%s%s", e->base_url, path);
	char *auth_hdr = NULL;
	int ret = -1;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
	if (body) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else if (!strcmp(method, "POST")) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	}
	if (auth) {
		auth_hdr = xstrfmt("X-Registry-Auth: %s", auth);
		hdrs = curl_slist_append(hdrs, auth_hdr);
	}
	/* no "Expect: 100-continue" round trip for big bodies */
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	e->curl_err[0] = '\0';

	CURLcode rc = curl_easy_perform(c);
	if (e->too_big) {
		sb_printf(err, "the Engine's reply to %s %s is larger than %zu bytes", method, path,
			  e->max_response);
		goto done;
	}
	if (rc != CURLE_OK) {
		const char *why = e->curl_err[0] ? e->curl_err : curl_easy_strerror(rc);
		/* curl's own detail names "localhost port 80" and a time for unix sockets */
		if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
			sb_printf(err, "cannot connect to the Docker Engine at %s: %s (is the daemon running?)",
				  e->endpoint, curl_easy_strerror(rc));
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			sb_printf(err, "%s %s: the Docker Engine at %s did not answer in time: %s", method,
				  path, e->endpoint, why);
		else
			sb_printf(err, "%s %s: talking to the Docker Engine at %s failed: %s", method, path,
				  e->endpoint, why);
		goto done;
	}
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	*status = (int)code;
	ret = 0;
done:
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(hdrs);
	free(auth_hdr);
	free(url);
	return ret;
}

static int replay_roundtrip(struct engine *e, const char *method, const char *path,
			    const char *body, const char *auth, int *status, struct sbuf *err)
{
	if (e->record) {
		fprintf(e->record, "%s %s\n", method, path);
		if (auth)
			fprintf(e->record, "X-Registry-Auth: %s\n", auth);
		if (body)
			fprintf(e->record, "%s\n", body);
		fflush(e->record);
	}
	if (e->next_reply >= e->nr_replies) {
		sb_printf(err, "replay: no reply left for %s %s", method, path);
		return -1;
	}
	const struct reply *r = &e->replies[e->next_reply++];
	if (r->api_version)
		take_api_version(e, r->api_version, strlen(r->api_version));
	if (sbuf_add(&e->body, r->body, r->body_len)) {
		sb_printf(err, "the Engine's reply to %s %s is larger than %zu bytes", method, path,
			  e->max_response);
		return -1;
	}
	*status = r->status;
	return 0;
}

static int roundtrip(struct engine *e, const char *method, const char *path, const char *body,
		     const char *auth, int *status, struct sbuf *err)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	start_reply(e);
	int ret = e->curl ? curl_roundtrip(e, method, path, body, auth, status, err)
			  : replay_roundtrip(e, method, path, body, auth, status, err);
	if (e->debug) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (ret)
			fprintf(stderr, "stackc: engine: %s %s failed %ldms\n", method, path, ms);
		else
			fprintf(stderr, "stackc: engine: %s %s %d %ldms\n", method, path, *status, ms);
	}
	return ret;
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
	int status;
	if (roundtrip(e, "GET", "/_ping", NULL, NULL, &status, err))
		return -1;
	/* an old daemon without the header speaks 1.24, as the docker client assumes */
	const char *theirs = e->api_header[0] ? e->api_header : "1.24";
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

static struct engine *engine_new(void)
{
	struct engine *e = xcalloc(1, sizeof(*e));
	e->max_response = ENGINE_MAX_RESPONSE;
	sbuf_init(&e->body, e->max_response);
	if (env_set("STACKC_TRACE"))
		e->debug = 1;
	return e;
}

static int setup_curl(struct engine *e, const struct endpoint *ep, const struct engine_opts *opts,
		      struct sbuf *err)
{
	const char *h = ep->host;
	CURL *c;
	if (!strncmp(h, "unix://", 7)) {
		const char *sock = h[7] ? h + 7 : "/var/run/docker.sock";
		/* the docker client never uses TLS on a local socket, nor do we */
		e->base_url = xstrdup("http://localhost");
		c = e->curl = curl_easy_init();
		if (!c)
			die("curl_easy_init failed");
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
	} else if (!strncmp(h, "tcp://", 6) || !strncmp(h, "http://", 7) ||
		   !strncmp(h, "https://", 8)) {
		const char *rest = strstr(h, "://") + 3;
		size_t n = strcspn(rest, "/");
		if (!n) {
			sb_printf(err, "bad Docker host %s: no address", h);
			return -1;
		}
		int tls = ep->tls || !strncmp(h, "https://", 8);
		/* a port is given unless the authority ends in a name or a bracketed address */
		const char *colon = memrchr(rest, ':', n);
		int has_port = colon && !memchr(colon, ']', (size_t)(rest + n - colon));
		e->base_url = xstrfmt("%s://%.*s%s", tls ? "https" : "http", (int)n, rest,
				      has_port ? "" : tls ? ":2376" : ":2375");
		c = e->curl = curl_easy_init();
		if (!c)
			die("curl_easy_init failed");
	} else {
		size_t n = strcspn(h, ":");
		sb_printf(err, "unsupported Docker host %s: stackc speaks unix:// and tcp://", h);
		if (h[n] != ':')
			sb_puts(err, " (the address needs a scheme)");
		return -1;
	}
	if (ep->tls && strncmp(h, "unix://", 7)) {
		char *ca = xstrfmt("%s/ca.pem", ep->tls_dir);
		char *cert = xstrfmt("%s/cert.pem", ep->tls_dir);
		char *key = xstrfmt("%s/key.pem", ep->tls_dir);
		if (file_exists(ca))
			curl_easy_setopt(c, CURLOPT_CAINFO, ca);
		if (file_exists(cert) && file_exists(key)) {
			curl_easy_setopt(c, CURLOPT_SSLCERT, cert);
			curl_easy_setopt(c, CURLOPT_SSLKEY, key);
		}
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, ep->tls_verify ? 1L : 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, ep->tls_verify ? 2L : 0L);
		free(ca);
		free(cert);
		free(key);
	}
	long cto = opts && opts->connect_timeout_ms > 0 ? opts->connect_timeout_ms
						     : DEFAULT_CONNECT_TIMEOUT_MS;
	long to = opts && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, cto);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, to);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "stackc");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, e->curl_err);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, e);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, e);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	return 0;
}

static int open_replay(struct engine **out, const char *replay_path, const char *record_path,
		       int debug, struct sbuf *err);

int engine_open(struct engine **out, const struct engine_opts *opts, struct sbuf *err)
{
	*out = NULL;
	/* contexts and the plan hash: fail here, not halfway through a deploy */
	if (crypto_load(err))
		return -1;
	if (env_set("STACKC_ENGINE_REPLAY")) {
		const char *rec = getenv("STACKC_ENGINE_RECORD");
		return open_replay(out, getenv("STACKC_ENGINE_REPLAY"), rec && *rec ? rec : NULL,
				   opts && opts->debug, err);
	}

	static int curl_ready;
	if (!curl_ready && load_libcurl(err))
		return -1;
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT))
			die("curl_global_init failed");
		curl_ready = 1;
	}
	struct endpoint ep;
	struct engine *e = NULL;
	int ret = -1;
	if (resolve_endpoint(&ep, opts, err))
		goto done;
	e = engine_new();
	if (opts && opts->debug)
		e->debug = 1;
	e->endpoint = xstrdup(ep.host);
	if (setup_curl(e, &ep, opts, err) || negotiate(e, err))
		goto done;
	*out = e;
	e = NULL;
	ret = 0;
done:
	engine_free(e);
	endpoint_release(&ep);
	return ret;
}

static int is_header(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && (*q == '-' || (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
			   (q > p && *q >= '0' && *q <= '9')))
		q++;
	return q > p && q < end && *q == ':';
}

/*
 * The replies file: `<<< STATUS` starts a reply, then `Name: value` header lines,
 * an empty line, and the body up to the next `<<< ` line (final newlines dropped).
 * Lines before the first reply are comments.
 */
static int parse_replies(struct engine *e, const char *path, const char *text, size_t len,
			 struct sbuf *err)
{
	const char *p = text, *end = text + len;
	size_t alloc = 0;
	int lineno = 0;
	while (p < end && strncmp(p, "<<< ", 4)) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
		lineno++;
	}
	while (p < end) {
		struct reply r = { 0 };
		char *num_end;
		lineno++;
		r.status = (int)strtol(p + 4, &num_end, 10);
		if (num_end == p + 4 || r.status < 100 || r.status > 599) {
			sb_printf(err, "%s:%d: expected `<<< STATUS`", path, lineno);
			return -1;
		}
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
		/* headers */
		while (p < end && *p != '\n') {
			lineno++;
			nl = memchr(p, '\n', (size_t)(end - p));
			const char *le = nl ? nl : end;
			if (le - p > 12 && !strncasecmp(p, "Api-Version:", 12)) {
				free(r.api_version);
				r.api_version = xstrndup(p + 12, (size_t)(le - p - 12));
			} else if (!is_header(p, le)) {
				free(r.api_version);
				sb_printf(err, "%s:%d: expected a header line or an empty line", path,
					  lineno);
				return -1;
			}
			p = nl ? nl + 1 : end;
		}
		if (p < end) {
			p++; /* the empty line */
			lineno++;
		}
		const char *body = p;
		while (p < end && strncmp(p, "<<< ", 4)) {
			nl = memchr(p, '\n', (size_t)(end - p));
			p = nl ? nl + 1 : end;
			lineno++;
		}
		const char *be = p;
		while (be > body && be[-1] == '\n')
			be--;
		r.body = xstrndup(body, (size_t)(be - body));
		r.body_len = (size_t)(be - body);
		ALLOC_GROW(e->replies, e->nr_replies + 1, alloc);
		e->replies[e->nr_replies++] = r;
	}
	return 0;
}

static int open_replay(struct engine **out, const char *replay_path, const char *record_path,
		       int debug, struct sbuf *err)
{
	*out = NULL;
	struct engine *e = engine_new();
	if (debug)
		e->debug = 1;
	struct sbuf text = SBUF_INIT;
	int ret = -1;
	FILE *f = fopen(replay_path, "rb");
	if (!f) {
		sb_printf(err, "cannot open %s: %s", replay_path, strerror(errno));
		goto done;
	}
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_put(&text, buf, n);
	fclose(f);
	if (parse_replies(e, replay_path, text.buf, text.len, err))
		goto done;
	if (record_path && !strcmp(record_path, "-")) {
		e->record = stderr; /* interleaved with the messages, in order */
	} else if (record_path) {
		e->record = fopen(record_path, "a");
		if (!e->record) {
			sb_printf(err, "cannot open %s: %s", record_path, strerror(errno));
			goto done;
		}
	}
	e->endpoint = xstrfmt("replay:%s", replay_path);
	if (negotiate(e, err))
		goto done;
	*out = e;
	e = NULL;
	ret = 0;
done:
	sbuf_release(&text);
	engine_free(e);
	return ret;
}

int engine_open_replay(struct engine **out, const char *replay_path, const char *record_path,
		       struct sbuf *err)
{
	return open_replay(out, replay_path, record_path, 0, err);
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	if (e->curl)
		curl_easy_cleanup(e->curl);
	for (size_t i = 0; i < e->nr_replies; i++) {
		free(e->replies[i].api_version);
		free(e->replies[i].body);
	}
	free(e->replies);
	if (e->record && e->record != stderr)
		fclose(e->record);
	sbuf_release(&e->body);
	free(e->base_url);
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
	if (roundtrip(e, method, full, text, registry_auth, status, err))
		goto done;
	if (is_write(method))
		e->writes++;
	if (!e->body.len) {
		ret = 0;
		goto done;
	}
	json_error_t jerr;
	*resp = json_loadb(e->body.buf, e->body.len, JSON_DECODE_ANY, &jerr);
	if (!*resp) {
		if (*status >= 400) {
			/* plain-text errors ("404 page not found") still carry the message */
			size_t n = e->body.len;
			while (n && (e->body.buf[n - 1] == '\n' || e->body.buf[n - 1] == '\r'))
				n--;
			*resp = json_pack("{s:s%}", "message", e->body.buf, n);
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
