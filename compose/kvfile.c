/* env-file parsing (docker pkg/kvfile); see kvfile.h. */
#include "compose/kvfile.h"
#include "base/arena.h"
#include "base/sbuf.h"
#include "base/utf8.h"

#include <string.h>

/* Go's unicode.IsSpace */
static int is_space_rune(uint32_t r)
{
	switch (r) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return 1;
	}
	return r >= 0x2000 && r <= 0x200a;
}

static int parse_line(struct kvfile *out, struct arena *a, const char *line, size_t len,
		      size_t lineno, kvfile_lookup_fn lookup, void *ctx, struct sbuf *err)
{
	const unsigned char *u = (const unsigned char *)line;
	for (size_t i = 0; i < len;) {
		uint32_t r;
		size_t l = utf8_decode(u + i, len - i, &r);
		if (!l) {
			sb_printf(err, "invalid UTF-8 on line %zu", lineno);
			return -1;
		}
		i += l;
	}
	if (lineno == 1 && len >= 3 && !memcmp(line, "\xef\xbb\xbf", 3)) {
		line += 3;
		len -= 3;
	}
	for (;;) {
		uint32_t r;
		size_t l = len ? utf8_decode((const unsigned char *)line, len, &r) : 0;
		if (!l || !is_space_rune(r))
			break;
		line += l;
		len -= l;
	}
	if (!len || line[0] == '#')
		return 0;
	const char *eq = memchr(line, '=', len);
	size_t keylen = eq ? (size_t)(eq - line) : len;
	if (!keylen) {
		sb_printf(err, "no variable name on line %zu", lineno);
		return -1;
	}
	if (memchr(line, ' ', keylen) || memchr(line, '\t', keylen)) {
		sb_puts(err, "variable ");
		sb_repr(err, line, keylen, 60);
		sb_puts(err, " contains whitespaces");
		return -1;
	}
	if (memchr(line, '\0', keylen)) {
		sb_printf(err, "variable name on line %zu contains a NUL byte", lineno);
		return -1;
	}
	const char *key = arena_strndup(a, line, keylen);
	const char *value;
	size_t vlen;
	if (eq) {
		vlen = len - keylen - 1;
		value = arena_strndup(a, eq + 1, vlen);
	} else {
		const char *v = lookup ? lookup(ctx, key) : NULL;
		if (!v)
			return 0;
		vlen = strlen(v);
		value = arena_strndup(a, v, vlen);
	}
	if (out->n == out->alloc) {
		size_t cap = out->alloc ? out->alloc * 2 : 16;
		out->v = arena_grow(a, out->v, out->n, cap, sizeof(*out->v));
		out->alloc = cap;
	}
	out->v[out->n++] = (struct kvfile_entry){ key, value, vlen, lineno };
	return 0;
}

int kvfile_parse(struct kvfile *out, struct arena *a, const char *text, size_t len,
		 kvfile_lookup_fn lookup, void *ctx, struct sbuf *err, size_t *err_line)
{
	size_t lineno = 1;
	memset(out, 0, sizeof(*out));
	for (size_t pos = 0; pos < len; lineno++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t l = end - pos;
		if (l > KVFILE_MAX_LINE) {
			sb_printf(err, "line %zu is too long (more than %d bytes)", lineno,
				  KVFILE_MAX_LINE);
			goto fail;
		}
		if (l && text[end - 1] == '\r')
			l--;
		if (parse_line(out, a, text + pos, l, lineno, lookup, ctx, err))
			goto fail;
		pos = nl ? end + 1 : len;
	}
	return 0;
fail:
	if (err_line)
		*err_line = lineno;
	return -1;
}
