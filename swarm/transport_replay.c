/*
 * The replay transport: the tests' canned Engine. See transport.h for the
 * contract and testdata/engine/README.md for the files.
 */
#include "swarm/transport.h"

#include "base/sbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One canned reply. */
struct canned {
	int status;
	char *method, *path, *body_has; /* the key; method NULL: unkeyed, it answers any request */
	char *headers; /* its header lines, each ending in '\n' */
	char *body;
	size_t body_len;
	int used;
};

/* The replies and the record, shared by a transport and its clones. */
struct replay_shared {
	pthread_mutex_t lock;
	int refs;
	struct canned *replies;
	size_t n, first_unused;
	int keyed;    /* some reply has a key: the file may be answered from several threads */
	FILE *record; /* NULL: requests are not recorded */
};

struct replay_transport {
	struct transport base;
	struct replay_shared *shared;
};

static void record(FILE *f, const struct transport_request *req)
{
	fprintf(f, "%s %s\n", req->method, req->path);
	for (size_t i = 0; req->headers && req->headers[i]; i++)
		fprintf(f, "%s\n", req->headers[i]);
	if (req->body)
		fprintf(f, "%s\n", req->body);
	fflush(f);
}

static int matches(const struct canned *r, const struct transport_request *req)
{
	if (!r->method)
		return 1;
	return !strcmp(r->method, req->method) && !strcmp(r->path, req->path) &&
	       (!r->body_has || (req->body && strstr(req->body, r->body_has)));
}

/* The first unused reply that matches req, now used; or NULL. */
static const struct canned *take_reply(struct replay_shared *sh, const struct transport_request *req)
{
	for (size_t i = sh->first_unused; i < sh->n; i++) {
		struct canned *r = &sh->replies[i];
		if (r->used || !matches(r, req))
			continue;
		r->used = 1;
		while (sh->first_unused < sh->n && sh->replies[sh->first_unused].used)
			sh->first_unused++;
		return r;
	}
	return NULL;
}

static int replay_roundtrip(struct transport *t, const struct transport_request *req,
			    struct transport_reply *reply, struct sbuf *err)
{
	struct replay_shared *sh = ((struct replay_transport *)t)->shared;
	pthread_mutex_lock(&sh->lock);
	if (sh->record)
		record(sh->record, req);
	const struct canned *r = take_reply(sh, req);
	pthread_mutex_unlock(&sh->lock);
	if (!r) {
		sb_printf(err, "replay: no reply left for %s %s", req->method, req->path);
		return -1;
	}
	for (const char *p = r->headers; *p;) {
		const char *nl = strchr(p, '\n');
		transport_reply_header(reply, p, (size_t)(nl - p));
		p = nl + 1;
	}
	if (sbuf_add(&reply->body, r->body, r->body_len))
		return TRANSPORT_TOO_BIG;
	reply->status = r->status;
	return 0;
}

static void shared_release(struct replay_shared *sh)
{
	pthread_mutex_lock(&sh->lock);
	int last = !--sh->refs;
	pthread_mutex_unlock(&sh->lock);
	if (!last)
		return;
	for (size_t i = 0; i < sh->n; i++) {
		free(sh->replies[i].method);
		free(sh->replies[i].path);
		free(sh->replies[i].body_has);
		free(sh->replies[i].headers);
		free(sh->replies[i].body);
	}
	free(sh->replies);
	if (sh->record && sh->record != stderr)
		fclose(sh->record);
	pthread_mutex_destroy(&sh->lock);
	free(sh);
}

static void replay_close(struct transport *t)
{
	struct replay_transport *rt = (struct replay_transport *)t;
	shared_release(rt->shared);
	free(rt);
}

static int replay_clone(struct transport *t, struct transport **out, struct sbuf *err);

static const struct transport_ops replay_ops = { replay_roundtrip, replay_close, replay_clone };

static struct transport *replay_new(struct replay_shared *sh)
{
	struct replay_transport *rt = xcalloc(1, sizeof(*rt));
	rt->base.ops = &replay_ops;
	rt->shared = sh;
	return &rt->base;
}

static int replay_clone(struct transport *t, struct transport **out, struct sbuf *err)
{
	struct replay_shared *sh = ((struct replay_transport *)t)->shared;
	*out = NULL;
	if (!sh->keyed) {
		sb_puts(err, "replay: a replies file without keyed replies is answered in order, from one connection");
		return -1;
	}
	pthread_mutex_lock(&sh->lock);
	sh->refs++;
	pthread_mutex_unlock(&sh->lock);
	*out = replay_new(sh);
	return 0;
}

static int is_header(const char *p, const char *end)
{
	const char *q = p;
	while (q < end && (*q == '-' || (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
			   (q > p && *q >= '0' && *q <= '9')))
		q++;
	return q > p && q < end && *q == ':';
}

/* The start of the next line, or end. */
static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl + 1 : end;
}

/* The key after `<<< STATUS`: ` METHOD PATH[ BODY-TEXT]` up to the line end, or nothing. */
static void parse_key(struct canned *r, const char *p, const char *le)
{
	while (p < le && *p == ' ')
		p++;
	if (p == le)
		return;
	const char *sp = memchr(p, ' ', (size_t)(le - p));
	r->method = xstrndup(p, (size_t)((sp ? sp : le) - p));
	p = sp ? sp + 1 : le;
	sp = memchr(p, ' ', (size_t)(le - p));
	r->path = xstrndup(p, (size_t)((sp ? sp : le) - p));
	if (sp && sp + 1 < le)
		r->body_has = xstrndup(sp + 1, (size_t)(le - sp - 1));
}

/*
 * The replies file: `<<< STATUS [METHOD PATH [BODY-TEXT]]` starts a reply, then
 * `Name: value` header lines, an empty line, and the body up to the next `<<< `
 * line (final newlines dropped). Lines before the first reply are comments.
 */
static int parse_replies(struct replay_shared *rt, const char *path, const char *text,
			 size_t len, struct sbuf *err)
{
	const char *p = text, *end = text + len;
	size_t alloc = 0;
	int lineno = 0;
	while (p < end && strncmp(p, "<<< ", 4)) {
		p = next_line(p, end);
		lineno++;
	}
	while (p < end) {
		struct canned r = { 0 };
		char *num_end;
		lineno++;
		r.status = (int)strtol(p + 4, &num_end, 10);
		const char *key_end = memchr(p, '\n', (size_t)(end - p));
		if (!key_end)
			key_end = end;
		if (num_end == p + 4 || r.status < 100 || r.status > 599 || (num_end < key_end && *num_end != ' ')) {
			sb_printf(err, "%s:%d: expected `<<< STATUS` (optionally followed by METHOD PATH [BODY-TEXT])", path, lineno);
			return -1;
		}
		parse_key(&r, num_end, key_end);
		rt->keyed |= r.method != NULL;
		p = next_line(p, end);
		struct sbuf headers = SBUF_INIT;
		while (p < end && *p != '\n') {
			lineno++;
			const char *le = memchr(p, '\n', (size_t)(end - p));
			if (!le)
				le = end;
			if (!is_header(p, le)) {
				sbuf_release(&headers);
				free(r.method);
				free(r.path);
				free(r.body_has);
				sb_printf(err, "%s:%d: expected a header line or an empty line", path, lineno);
				return -1;
			}
			sb_put(&headers, p, (size_t)(le - p));
			sb_putc(&headers, '\n');
			p = next_line(p, end);
		}
		r.headers = sbuf_detach(&headers, NULL);
		if (p < end) {
			p++; /* the empty line */
			lineno++;
		}
		const char *body = p;
		while (p < end && strncmp(p, "<<< ", 4)) {
			p = next_line(p, end);
			lineno++;
		}
		const char *be = p;
		while (be > body && be[-1] == '\n')
			be--;
		r.body = xstrndup(body, (size_t)(be - body));
		r.body_len = (size_t)(be - body);
		ALLOC_GROW(rt->replies, rt->n + 1, alloc);
		rt->replies[rt->n++] = r;
	}
	return 0;
}

static int read_whole(struct sbuf *out, const char *path, struct sbuf *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		sb_printf(err, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_put(out, buf, n);
	fclose(f);
	return 0;
}

int transport_replay_open(struct transport **out, const char *replies_path,
			  const char *record_path, struct sbuf *err)
{
	*out = NULL;
	struct replay_shared *sh = xcalloc(1, sizeof(*sh));
	pthread_mutex_init(&sh->lock, NULL);
	sh->refs = 1;
	struct sbuf text = SBUF_INIT;
	int ret = -1;
	if (read_whole(&text, replies_path, err) ||
	    parse_replies(sh, replies_path, text.buf, text.len, err))
		goto done;
	if (record_path && !strcmp(record_path, "-")) {
		sh->record = stderr; /* interleaved with the messages, in order */
	} else if (record_path) {
		sh->record = fopen(record_path, "a");
		if (!sh->record) {
			sb_printf(err, "cannot open %s: %s", record_path, strerror(errno));
			goto done;
		}
	}
	*out = replay_new(sh);
	sh = NULL;
	ret = 0;
done:
	sbuf_release(&text);
	if (sh)
		shared_release(sh);
	return ret;
}
