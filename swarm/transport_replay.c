/*
 * The replay transport: the tests' canned Engine. See transport.h for the
 * contract and testdata/engine/README.md for the files.
 */
#include "swarm/transport.h"

#include "base/sbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One canned reply. */
struct canned {
	int status;
	char *headers; /* its header lines, each ending in '\n' */
	char *body;
	size_t body_len;
};

struct replay_transport {
	struct transport base;
	struct canned *replies;
	size_t n, next;
	FILE *record; /* NULL: requests are not recorded */
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

static int replay_roundtrip(struct transport *t, const struct transport_request *req,
			    struct transport_reply *reply, struct sbuf *err)
{
	struct replay_transport *rt = (struct replay_transport *)t;
	if (rt->record)
		record(rt->record, req);
	if (rt->next >= rt->n) {
		sb_printf(err, "replay: no reply left for %s %s", req->method, req->path);
		return -1;
	}
	const struct canned *r = &rt->replies[rt->next++];
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

static void replay_close(struct transport *t)
{
	struct replay_transport *rt = (struct replay_transport *)t;
	for (size_t i = 0; i < rt->n; i++) {
		free(rt->replies[i].headers);
		free(rt->replies[i].body);
	}
	free(rt->replies);
	if (rt->record && rt->record != stderr)
		fclose(rt->record);
	free(rt);
}

static const struct transport_ops replay_ops = { replay_roundtrip, replay_close };

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

/*
 * The replies file: `<<< STATUS` starts a reply, then `Name: value` header lines,
 * an empty line, and the body up to the next `<<< ` line (final newlines dropped).
 * Lines before the first reply are comments.
 */
static int parse_replies(struct replay_transport *rt, const char *path, const char *text,
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
		if (num_end == p + 4 || r.status < 100 || r.status > 599) {
			sb_printf(err, "%s:%d: expected `<<< STATUS`", path, lineno);
			return -1;
		}
		p = next_line(p, end);
		struct sbuf headers = SBUF_INIT;
		while (p < end && *p != '\n') {
			lineno++;
			const char *le = memchr(p, '\n', (size_t)(end - p));
			if (!le)
				le = end;
			if (!is_header(p, le)) {
				sbuf_release(&headers);
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
	struct replay_transport *rt = xcalloc(1, sizeof(*rt));
	rt->base.ops = &replay_ops;
	struct sbuf text = SBUF_INIT;
	int ret = -1;
	if (read_whole(&text, replies_path, err) ||
	    parse_replies(rt, replies_path, text.buf, text.len, err))
		goto done;
	if (record_path && !strcmp(record_path, "-")) {
		rt->record = stderr; /* interleaved with the messages, in order */
	} else if (record_path) {
		rt->record = fopen(record_path, "a");
		if (!rt->record) {
			sb_printf(err, "cannot open %s: %s", record_path, strerror(errno));
			goto done;
		}
	}
	*out = &rt->base;
	rt = NULL;
	ret = 0;
done:
	sbuf_release(&text);
	if (rt)
		replay_close(&rt->base);
	return ret;
}
