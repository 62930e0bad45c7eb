/* The JSON printer: emit_yaml()'s order, encoding/json's text. */
#include "emit/json.h"
#include "compose/utf8.h"
#include "emit/shape.h"
#include "compose/node.h"
#include "compose/sbuf.h"
#include "compose/xalloc.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void indent(struct sbuf *out, int depth)
{
	sb_putc(out, '\n');
	for (int i = 0; i < depth; i++)
		sb_puts(out, "  ");
}

static void put_string(struct sbuf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	sb_putc(out, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = s[i];
		if (c >= 0x80) {
			size_t w = utf8_decode(s + i, n - i, NULL);
			if (w) {
				sb_put(out, s + i, w);
				i += w;
			} else {
				sb_puts(out, "\\ufffd");
				i++;
			}
			continue;
		}
		i++;
		switch (c) {
		case '"': sb_puts(out, "\\\""); break;
		case '\\': sb_puts(out, "\\\\"); break;
		case '\n': sb_puts(out, "\\n"); break;
		case '\r': sb_puts(out, "\\r"); break;
		case '\t': sb_puts(out, "\\t"); break;
		default:
			if (c < 0x20)
				sb_printf(out, "\\u%04x", c);
			else
				sb_putc(out, (char)c);
		}
	}
	sb_putc(out, '"');
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
		sb_puts(out, shape->kind == SHAPE_STRUCT && (shape->flags & SHAPE_F_VALUE) ? "{}"
											   : "null");
		break;
	case NODE_BOOL:
		sb_puts(out, n->s.v.b ? "true" : "false");
		break;
	case NODE_INT:
		if (n->flags & NODE_UNSIGNED)
			sb_printf(out, "%" PRIu64, n->s.v.u);
		else
			sb_printf(out, "%" PRId64, n->s.v.i);
		break;
	case NODE_FLOAT:
		put_float(out, n->s.v.f, !!(shape->flags & SHAPE_F_FLOAT32));
		break;
	case NODE_STR:
		put_string(out, n->s.text, n->s.len);
		break;
	case NODE_SEQ: {
		if (!n->seq.n) {
			sb_puts(out, "[]");
			break;
		}
		const struct shape *item = shape_child(shape, NULL);
		sb_putc(out, '[');
		for (size_t i = 0; i < n->seq.n; i++) {
			if (i)
				sb_putc(out, ',');
			indent(out, depth + 1);
			put_node(out, n->seq.v[i], item, depth + 1);
		}
		indent(out, depth);
		sb_putc(out, ']');
		break;
	}
	case NODE_MAP: {
		if (!n->map.n) {
			sb_puts(out, "{}");
			break;
		}
		struct shape_item small[SHAPE_SMALL_ORDER];
		struct shape_item *order =
			n->map.n <= SHAPE_SMALL_ORDER ? small : xmalloc(n->map.n * sizeof(*order));
		shape_order(order, shape, n);
		sb_putc(out, '{');
		for (size_t i = 0; i < n->map.n; i++) {
			if (i)
				sb_putc(out, ',');
			indent(out, depth + 1);
			put_string(out, order[i].e->key, strlen(order[i].e->key));
			sb_puts(out, ": ");
			put_node(out, order[i].e->val, order[i].child, depth + 1);
		}
		if (order != small)
			free(order);
		indent(out, depth);
		sb_putc(out, '}');
		break;
	}
	}
}

void emit_json(struct sbuf *out, const struct node *root)
{
	if (!root)
		sb_puts(out, "null");
	else
		put_node(out, root, &shape_root, 0);
	sb_putc(out, '\n');
}
