/* The path to a value, as diagnostics show it. */
#include "base/path.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int plain_key(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++) {
		unsigned char c = (unsigned char)*k;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

void path_push_key(struct sbuf *path, const char *key)
{
	if (plain_key(key)) {
		if (path->len)
			sb_putc(path, '.');
		sb_puts(path, key);
	} else {
		sb_putc(path, '[');
		sb_repr(path, key, strlen(key), 0);
		sb_putc(path, ']');
	}
}

void path_push_index(struct sbuf *path, size_t i)
{
	/* hot: every walker pushes an index per list item; no printf */
	char buf[24];
	size_t n = sizeof(buf);
	buf[--n] = ']';
	do {
		buf[--n] = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	buf[--n] = '[';
	sb_put(path, buf + n, sizeof(buf) - n);
}

void path_steps_release(struct path_steps *p)
{
	free(p->v);
	p->v = NULL;
	p->n = p->alloc = 0;
}

void path_steps_grow(struct path_steps *p)
{
	ALLOC_GROW(p->v, p->n + 1, p->alloc);
}

void path_steps_render(struct sbuf *out, const struct path_steps *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p->v[i].key)
			path_push_key(out, p->v[i].key);
		else
			path_push_index(out, p->v[i].index);
	}
}

const char *path_steps_spell(struct sbuf *out, const struct path_steps *p)
{
	sbuf_reset(out);
	path_steps_render(out, p, p->n);
	return out->buf;
}
