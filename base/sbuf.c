/* Growable strings; see sbuf.h for the invariants. */
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char sbuf_empty[1];

void sbuf_init(struct sbuf *sb, size_t cap)
{
	sb->buf = sbuf_empty;
	sb->len = sb->alloc = 0;
	sb->cap = cap;
}

void sbuf_release(struct sbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	size_t cap = sb->cap;
	sbuf_init(sb, cap);
}

char *sbuf_detach(struct sbuf *sb, size_t *len)
{
	char *p = sb->alloc ? sb->buf : xstrdup("");
	if (len)
		*len = sb->len;
	sbuf_init(sb, sb->cap);
	return p;
}

void sbuf_reset(struct sbuf *sb)
{
	sbuf_setlen(sb, 0);
}

void sbuf_setlen(struct sbuf *sb, size_t len)
{
	if (len > sb->len)
		BUG("sbuf_setlen beyond length");
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

static int grow(struct sbuf *sb, size_t extra)
{
	if (sb->cap && (extra > sb->cap || sb->len > sb->cap - extra))
		return -1;
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return 0;
	size_t alloc = sb->alloc < 64 ? 64 : sb->alloc;
	while (alloc < need)
		alloc *= 2;
	if (sb->alloc) {
		sb->buf = xrealloc(sb->buf, alloc);
	} else {
		sb->buf = xmalloc(alloc);
		sb->buf[0] = '\0';
	}
	sb->alloc = alloc;
	return 0;
}

int sbuf_add(struct sbuf *sb, const void *p, size_t n)
{
	if (grow(sb, n))
		return -1;
	if (n)
		memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
	return 0;
}

int sbuf_read_stream(struct sbuf *sb, FILE *f)
{
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (sbuf_add(sb, buf, n))
			return EFBIG;
	return ferror(f) ? (errno ? errno : EIO) : 0;
}

int sbuf_addstr(struct sbuf *sb, const char *s)
{
	return sbuf_add(sb, s, strlen(s));
}

int sbuf_addch(struct sbuf *sb, int c)
{
	char ch = (char)c;
	return sbuf_add(sb, &ch, 1);
}

int sbuf_vaddf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0)
		BUG("bad format %s", fmt);
	if (grow(sb, (size_t)n)) {
		va_end(ap2);
		return -1;
	}
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	sb->len += (size_t)n;
	return 0;
}

int sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = sbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return r;
}

void sb_put(struct sbuf *sb, const void *p, size_t n)
{
	if (sbuf_add(sb, p, n))
		BUG("capped sbuf used with sb_put");
}

void sb_puts(struct sbuf *sb, const char *s)
{
	sb_put(sb, s, strlen(s));
}

void sb_putc(struct sbuf *sb, int c)
{
	char ch = (char)c;
	sb_put(sb, &ch, 1);
}

static void sb_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	if (sbuf_vaddf(sb, fmt, ap))
		BUG("capped sbuf used with sb_printf or sb_reason");
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_repr(struct sbuf *sb, const char *s, size_t n, size_t max)
{
	sb_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		if (max && i >= max) {
			sb_puts(sb, "...");
			break;
		}
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': sb_puts(sb, "\\\""); break;
		case '\\': sb_puts(sb, "\\\\"); break;
		case '\n': sb_puts(sb, "\\n"); break;
		case '\t': sb_puts(sb, "\\t"); break;
		case '\r': sb_puts(sb, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				sb_printf(sb, "\\x%02x", c);
			else
				sb_putc(sb, c);
		}
	}
	sb_putc(sb, '"');
}

int sb_reason(struct sbuf *why, const char *fmt, ...)
{
	if (why) {
		va_list ap;
		va_start(ap, fmt);
		sb_vprintf(why, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int sb_reason_repr(struct sbuf *why, const char *before, const char *s, size_t n,
		   const char *after)
{
	if (why) {
		sb_puts(why, before);
		sb_repr(why, s, n, 40);
		sb_puts(why, after);
	}
	return -1;
}
