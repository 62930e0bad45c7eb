/* The libcurl transport; see transport.h for the contract. */
#include "swarm/transport.h"

#include "base/dlib.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

/* calls go through the table below: no type-checking macros */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * libcurl is loaded when a command first talks to the Engine, not at start:
 * linked in, it and the ~30 libraries behind it cost every run ~4.5 ms and
 * ~7 MiB before main() (measured), which `config`/`validate` never need.
 * The functions used, each bound to its curl_<name> with curl.h's own type:
 */
#define LIBCURL_FUNCTIONS(X)                                                      \
	X(global_init) X(easy_init) X(easy_setopt) X(easy_perform) X(easy_getinfo) \
	X(easy_cleanup) X(easy_strerror) X(slist_append) X(slist_free_all)

static struct {
#define FIELD(name) __typeof__(&curl_##name) name;
	LIBCURL_FUNCTIONS(FIELD)
#undef FIELD
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

/* Loads libcurl and runs its global init, once per process. */
static int load_libcurl(struct sbuf *err)
{
	static const char *const sonames[] = { "libcurl.so.4", "libcurl.so", "libcurl-gnutls.so.4" };
	static const struct dlib_sym functions[] = {
#define BIND(name) { (void **)&libcurl.name, "curl_" #name },
		LIBCURL_FUNCTIONS(BIND)
#undef BIND
	};
	static void *loaded;
	if (loaded)
		return 0;
	if (dlib_open(&loaded, sonames, ARRAY_SIZE(sonames), NULL, functions, ARRAY_SIZE(functions),
		      "libcurl", "libcurl4", err))
		return -1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		die("curl_global_init failed");
	return 0;
}

struct curl_transport {
	struct transport base;
	CURL *curl;                     /* one handle: its connection is kept alive */
	char *endpoint;                 /* the host as given, for messages */
	char *base_url;                 /* "http://localhost", "https://host:2376" */
	char error[CURL_ERROR_SIZE];    /* curl's detail of the last failure */
	struct transport_reply *reply;  /* the reply being received */
	int too_big;
	struct transport_target target; /* what it was opened with (its strings owned): for clone() */
};

static size_t on_body(char *p, size_t size, size_t n, void *data)
{
	struct curl_transport *ct = data;
	if (sbuf_add(&ct->reply->body, p, size * n)) {
		ct->too_big = 1;
		return 0; /* curl stops with a write error */
	}
	return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *data)
{
	struct curl_transport *ct = data;
	transport_reply_header(ct->reply, p, size * n);
	return size * n;
}

static int curl_roundtrip(struct transport *t, const struct transport_request *req,
			  struct transport_reply *reply, struct sbuf *err)
{
	struct curl_transport *ct = (struct curl_transport *)t;
	CURL *c = ct->curl;
	struct curl_slist *hdrs = NULL;
	char *url = xstrfmt("%s%s", ct->base_url, req->path);
	int ret = -1;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
	if (req->body) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(req->body));
	} else if (!strcmp(req->method, "POST")) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	}
	for (size_t i = 0; req->headers && req->headers[i]; i++)
		hdrs = curl_slist_append(hdrs, req->headers[i]);
	/* no "Expect: 100-continue" round trip for big bodies */
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	ct->error[0] = '\0';
	ct->reply = reply;
	ct->too_big = 0;

	CURLcode rc = curl_easy_perform(c);
	if (ct->too_big) {
		ret = TRANSPORT_TOO_BIG;
		goto done;
	}
	if (rc != CURLE_OK) {
		const char *why = ct->error[0] ? ct->error : curl_easy_strerror(rc);
		/* curl's own detail names "localhost port 80" and a time for unix sockets */
		if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
			sb_printf(err, "cannot connect to the Docker Engine at %s: %s (is the daemon running?)",
				  ct->endpoint, curl_easy_strerror(rc));
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			sb_printf(err, "%s %s: the Docker Engine at %s did not answer in time: %s", req->method,
				  req->path, ct->endpoint, why);
		else
			sb_printf(err, "%s %s: talking to the Docker Engine at %s failed: %s", req->method,
				  req->path, ct->endpoint, why);
		goto done;
	}
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	reply->status = (int)code;
	ret = 0;
done:
	ct->reply = NULL;
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(hdrs);
	free(url);
	return ret;
}

static void curl_close(struct transport *t)
{
	struct curl_transport *ct = (struct curl_transport *)t;
	if (ct->curl)
		curl_easy_cleanup(ct->curl);
	free(ct->base_url);
	free(ct->endpoint);
	free((char *)ct->target.host);
	free((char *)ct->target.tls_dir);
	free(ct);
}

/* A handle of its own (easy handles are not shared between threads; libcurl's
 * global init ran at the first open, before any thread). */
static int curl_clone(struct transport *t, struct transport **out, struct sbuf *err)
{
	return transport_curl_open(out, &((struct curl_transport *)t)->target, err);
}

static const struct transport_ops curl_ops = { curl_roundtrip, curl_close, curl_clone };

static int file_exists(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISREG(st.st_mode);
}

/* "http://localhost" for a unix socket (set on the handle), else scheme://authority[:port]. */
static int base_url(struct curl_transport *ct, const struct transport_target *target, struct sbuf *err)
{
	const char *h = target->host;
	if (!strncmp(h, "unix://", 7)) {
		const char *sock = h[7] ? h + 7 : "/var/run/docker.sock";
		/* the docker client never uses TLS on a local socket, nor do we */
		ct->base_url = xstrdup("http://localhost");
		curl_easy_setopt(ct->curl, CURLOPT_UNIX_SOCKET_PATH, sock);
		return 0;
	}
	const char *rest = strstr(h, "://");
	rest = rest ? rest + 3 : h;
	size_t n = strcspn(rest, "/");
	if (!n) {
		sb_printf(err, "bad Docker host %s: no address", h);
		return -1;
	}
	int tls = target->tls || !strncmp(h, "https://", 8);
	/* a port is given unless the authority ends in a name or a bracketed address */
	const char *colon = memrchr(rest, ':', n);
	int has_port = colon && !memchr(colon, ']', (size_t)(rest + n - colon));
	ct->base_url = xstrfmt("%s://%.*s%s", tls ? "https" : "http", (int)n, rest,
			       has_port ? "" : tls ? ":2376" : ":2375");
	return 0;
}

static void set_tls(CURL *c, const struct transport_target *target)
{
	char *ca = xstrfmt("%s/ca.pem", target->tls_dir);
	char *cert = xstrfmt("%s/cert.pem", target->tls_dir);
	char *key = xstrfmt("%s/key.pem", target->tls_dir);
	if (file_exists(ca))
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	if (file_exists(cert) && file_exists(key)) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY, key);
	}
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, target->tls_verify ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, target->tls_verify ? 2L : 0L);
	free(ca);
	free(cert);
	free(key);
}

int transport_curl_open(struct transport **out, const struct transport_target *target,
			struct sbuf *err)
{
	*out = NULL;
	if (load_libcurl(err))
		return -1;
	struct curl_transport *ct = xcalloc(1, sizeof(*ct));
	ct->base.ops = &curl_ops;
	ct->endpoint = xstrdup(target->host);
	ct->target = *target;
	ct->target.host = xstrdup(target->host);
	ct->target.tls_dir = target->tls_dir ? xstrdup(target->tls_dir) : NULL;
	ct->curl = curl_easy_init();
	if (!ct->curl)
		die("curl_easy_init failed");
	if (base_url(ct, target, err)) {
		curl_close(&ct->base);
		return -1;
	}
	CURL *c = ct->curl;
	if (target->tls && target->tls_dir && strncmp(target->host, "unix://", 7))
		set_tls(c, target);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, target->connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, target->timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "stackc");
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ct->error);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, ct);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, ct);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	*out = &ct->base;
	return 0;
}
