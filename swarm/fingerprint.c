/* Content fingerprints of secrets and configs; see fingerprint.h. */
#include "swarm/fingerprint.h"

#include "base/crypto.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SALT_BYTES 16
#define KEY_BYTES 32

/* The content's bytes from its base64 text (NULL: empty); wiped by wipe_content(). */
static unsigned char *content(const char *data_b64, size_t *len)
{
	size_t n = data_b64 ? strlen(data_b64) : 0;
	unsigned char *out = xmalloc(3 * n / 4 + 1);
	int got = n ? crypto_base64_decode(out, data_b64, n) : 0;
	if (got < 0)
		got = 0;
	/* the decoder counts padding as zero bytes */
	while (got > 0 && n && data_b64[n - 1] == '=')
		got--, n--;
	*len = (size_t)got;
	return out;
}

static void wipe_content(unsigned char *c, size_t len)
{
	explicit_bzero(c, len);
	free(c);
}

static int scrypt_key(unsigned char key[KEY_BYTES], const char *data_b64, const unsigned char *salt,
		      size_t saltlen, unsigned log2_n, unsigned r, unsigned p)
{
	size_t len;
	unsigned char *c = content(data_b64, &len);
	int rc = crypto_scrypt(key, KEY_BYTES, c, len, salt, saltlen, log2_n, r, p);
	wipe_content(c, len);
	return rc;
}

static void put_base64(struct sbuf *sb, const unsigned char *b, size_t n)
{
	char out[CRYPTO_BASE64_LEN(KEY_BYTES)];
	if (n > KEY_BYTES)
		BUG("fingerprint field of %zu bytes", n);
	sb_put(sb, out, crypto_base64(out, b, n));
}

static void sha256_label(struct sbuf *sb, const char *data_b64)
{
	size_t len;
	unsigned char *c = content(data_b64, &len);
	char hex[65];
	crypto_sha256_hex(hex, c, len);
	wipe_content(c, len);
	sb_puts(sb, "sha256:");
	sb_puts(sb, hex);
}

char *fingerprint_new(enum stack_kind kind, const char *data_b64)
{
	struct sbuf sb = SBUF_INIT;
	if (kind != KIND_SECRET) {
		sha256_label(&sb, data_b64);
		return sbuf_detach(&sb, NULL);
	}
	unsigned char salt[SALT_BYTES], key[KEY_BYTES];
	crypto_random(salt, sizeof(salt));
	if (scrypt_key(key, data_b64, salt, sizeof(salt), FINGERPRINT_SCRYPT_LOG2_N, FINGERPRINT_SCRYPT_R,
		       FINGERPRINT_SCRYPT_P))
		die("scrypt failed");
	sb_printf(&sb, "scrypt:ln=%d,r=%d,p=%d:", FINGERPRINT_SCRYPT_LOG2_N, FINGERPRINT_SCRYPT_R,
		  FINGERPRINT_SCRYPT_P);
	put_base64(&sb, salt, sizeof(salt));
	sb_putc(&sb, ':');
	put_base64(&sb, key, sizeof(key));
	explicit_bzero(key, sizeof(key));
	return sbuf_detach(&sb, NULL);
}

/* Decode a base64 field of a label into out (at most max bytes); its length or -1. */
static int field(unsigned char *out, size_t max, const char *text, size_t len)
{
	unsigned char buf[3 * (CRYPTO_BASE64_LEN(KEY_BYTES) / 4) + 3];
	if (!len || len % 4 || len >= sizeof(buf) * 4 / 3)
		return -1;
	int got = crypto_base64_decode(buf, text, len);
	for (size_t i = len; got > 0 && i > 0 && text[i - 1] == '='; i--)
		got--;
	if (got < 0 || (size_t)got > max)
		return -1;
	memcpy(out, buf, (size_t)got);
	return got;
}

int fingerprint_matches(const char *label, const char *data_b64)
{
	if (!label)
		return -1;
	if (!strncmp(label, "sha256:", 7)) {
		struct sbuf sb = SBUF_INIT;
		sha256_label(&sb, data_b64);
		int same = !strcmp(sb.buf, label);
		sbuf_release(&sb);
		return same;
	}
	unsigned log2_n, r, p;
	int off = 0;
	if (sscanf(label, "scrypt:ln=%u,r=%u,p=%u:%n", &log2_n, &r, &p, &off) != 3 || !off)
		return -1;
	/* bounds that keep a hostile label from asking for gigabytes or minutes */
	if (log2_n < 10 || log2_n > 20 || r < 1 || r > 32 || p < 1 || p > 4)
		return -1;
	const char *salt_b64 = label + off, *colon = strchr(salt_b64, ':');
	if (!colon)
		return -1;
	unsigned char salt[KEY_BYTES], want[KEY_BYTES], got[KEY_BYTES];
	int saltlen = field(salt, sizeof(salt), salt_b64, (size_t)(colon - salt_b64));
	int keylen = field(want, sizeof(want), colon + 1, strlen(colon + 1));
	if (saltlen < 8 || keylen != KEY_BYTES)
		return -1;
	if (scrypt_key(got, data_b64, salt, (size_t)saltlen, log2_n, r, p))
		return -1;
	int same = !memcmp(got, want, KEY_BYTES);
	explicit_bzero(got, sizeof(got));
	return same;
}

int fingerprint_legacy_matches(const char *label, const char *name, const char *data_b64)
{
	struct sbuf in = SBUF_INIT;
	sb_put(&in, name, strlen(name) + 1);
	sb_puts(&in, data_b64 ? data_b64 : "");
	char hex[65];
	crypto_sha256_hex(hex, in.buf, in.len);
	explicit_bzero(in.buf, in.len);
	sbuf_release(&in);
	return label && !strcmp(label, hex);
}
