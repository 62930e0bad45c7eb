/* The JSON printer: emit_yaml()'s order, encoding/json's text. */
#include "emit/json.h"
#include "base/utf8.h"
#include "emit/shape.h"
#include "base/node.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/ytime.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* sb_put and sb_putc, inline while there is room: output goes out a few bytes at a time */
static inline void put(struct sbuf *out, const void *p, size_t n)
{
	if (out->alloc - out->len <= n || out->cap) {
		sb_put(out, p, n);
		return;
	}
	memcpy(out->buf + out->len, p, n);
	out->len += n;
	out->buf[out->len] = '\0';
}

static inline void putc1(struct sbuf *out, char c)
{
	put(out, &c, 1);
}

static inline void puts0(struct sbuf *out, const char *s)
{
	put(out, s, strlen(s));
}

/* bytes put_string() copies as they are: printable ASCII but for " and \ */
static unsigned char plain_byte[256];

/* the escapes with a short form; other control characters are \u00XX */
static const char *const short_escape[0x80] = {
	['"'] = "\\\"", ['\\'] = "\\\\", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
};

static void indent(struct sbuf *out, int depth)
{
	static const char nl_spaces[] = "\n                                "
					"                                ";
	size_t n = 2 * (size_t)depth;
	put(out, nl_spaces, 1 + (n < sizeof(nl_spaces) - 1 ? n : 0));
	for (n = n < sizeof(nl_spaces) - 1 ? 0 : n; n;) {
		size_t k = n < sizeof(nl_spaces) - 2 ? n : sizeof(nl_spaces) - 2;
		put(out, nl_spaces + 1, k);
		n -= k;
	}
}

static void put_string(struct sbuf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0; /* s[run..i) is copied as it is */
	putc1(out, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (plain_byte[c]) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			size_t w = utf8_decode(s + i, n - i, NULL);
			if (w) {
				i += w;
				continue;
			}
		}
		put(out, s + run, i - run);
		i++;
		run = i;
		if (c < 0x80 && short_escape[c])
			puts0(out, short_escape[c]);
		else if (c < 0x20)
			sb_printf(out, "\\u%04x", c);
		else
			puts0(out, "\\ufffd"); /* invalid UTF-8, as encoding/json writes it */
	}
	put(out, s + run, n - run);
	putc1(out, '"');
}

/* encoding/json: 'f', or 'e' with a short exponent outside [1e-6, 1e21) */
static void put_float(struct sbuf *out, double f, int bits32)
{
	if (isnan(f) || isinf(f)) {
		sb_puts(out, "null");
		return;
	}
	double a = fabs(f);
	int e = a != 0 && (bits32 ? ((float)a < 1e-6f || (float)a >= 1e21f) : (a < 1e-6 || a >= 1e21));
	size_t start = out->len;
	shape_format_float(out, f, bits32, e ? 'e' : 'f');
	size_t n = out->len - start;
	char *b = out->buf + start;
	if (e && n >= 4 && b[n - 4] == 'e' && b[n - 3] == '-' && b[n - 2] == '0') {
		b[n - 2] = b[n - 1];
		sbuf_setlen(out, out->len - 1);
	}
}

static void put_node(struct sbuf *out, const struct node *n, const struct shape *shape,
		     int depth)
{
	switch (n->kind) {
	case NODE_NULL:
		puts0(out, shape->kind == SHAPE_STRUCT && (shape->flags & SHAPE_F_VALUE) ? "{}"
											   : "null");
		break;
	case NODE_BOOL:
		puts0(out, n->s.v.b ? "true" : "false");
		break;
	case NODE_INT: {
		char digits[SHAPE_INT_DIGITS];
		size_t len;
		const char *text = shape_format_int(digits, n, &len);
		put(out, text, len);
		break;
	}
	case NODE_FLOAT:
		put_float(out, n->s.v.f, !!(shape->flags & SHAPE_F_FLOAT32));
		break;
	case NODE_STR:
		put_string(out, n->s.text, n->len);
		break;
	case NODE_TIME: { /* as encoding/json writes a time.Time */
		char buf[YTIME_BUF];
		struct ytime t = ytime_of(n->s.text, n->len);
		put_string(out, buf, ytime_format_rfc3339(buf, &t));
		break;
	}
	case NODE_SEQ: {
		if (!n->seq.n) {
			puts0(out, "[]");
			break;
		}
		const struct shape *item = shape_child(shape, NULL);
		putc1(out, '[');
		for (size_t i = 0; i < n->seq.n; i++) {
			if (i)
				putc1(out, ',');
			indent(out, depth + 1);
			put_node(out, n->seq.v[i], item, depth + 1);
		}
		indent(out, depth);
		putc1(out, ']');
		break;
	}
	case NODE_MAP: {
		if (!n->map.n) {
			puts0(out, "{}");
			break;
		}
		struct shape_item small[SHAPE_SMALL_ORDER];
		struct shape_item *order =
			n->map.n <= SHAPE_SMALL_ORDER ? small : xmalloc(n->map.n * sizeof(*order));
		shape_order(order, shape, n);
		putc1(out, '{');
		for (size_t i = 0; i < n->map.n; i++) {
			if (i)
				putc1(out, ',');
			indent(out, depth + 1);
			put_string(out, order[i].e->key, strlen(order[i].e->key));
			puts0(out, ": ");
			put_node(out, order[i].e->val, order[i].child, depth + 1);
		}
		if (order != small)
			free(order);
		indent(out, depth);
		putc1(out, '}');
		break;
	}
	}
}

void emit_json(struct sbuf *out, const struct node *root)
{
	for (unsigned c = 0x20; c < 0x80; c++)
		plain_byte[c] = c != '"' && c != '\\';
	if (!root)
		sb_puts(out, "null");
	else
		put_node(out, root, &shape_root, 0);
	sb_putc(out, '\n');
}
