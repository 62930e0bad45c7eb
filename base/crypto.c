/* SHA-256 and base64 through a libcrypto opened at run time; see crypto.h. */
#include "base/crypto.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "base/dlib.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

/* the headers' own prototypes, so a signature mismatch does not compile */
static struct {
	__typeof__(&EVP_Digest) digest;
	__typeof__(&EVP_sha256) sha256;
	__typeof__(&EVP_EncodeBlock) encode_block;
	__typeof__(&EVP_DecodeBlock) decode_block;
} lib;

int crypto_load(struct sbuf *err)
{
	static const char *const names[] = { "libcrypto.so.3", "libcrypto.so" };
#define SYM(field, name) { (void **)&lib.field, name }
	static const struct dlib_sym syms[] = {
		SYM(digest, "EVP_Digest"),
		SYM(sha256, "EVP_sha256"),
		SYM(encode_block, "EVP_EncodeBlock"),
		SYM(decode_block, "EVP_DecodeBlock"),
	};
#undef SYM
	static void *handle;
	if (handle)
		return 0;
	return dlib_open(&handle, names, ARRAY_SIZE(names), getenv("STACKC_LIBCRYPTO"), syms,
			 ARRAY_SIZE(syms), "libcrypto", "libssl3", err);
}

static void need_lib(void)
{
	struct sbuf err = SBUF_INIT;
	if (crypto_load(&err))
		die("%s", err.buf);
}

void crypto_sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	need_lib();
	if (!lib.digest(data, len, md, &n, lib.sha256(), NULL) || n != 32)
		die("sha256 failed");
	for (unsigned int i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

size_t crypto_base64(char *out, const void *data, size_t len)
{
	need_lib();
	if (len > (size_t)INT_MAX / 4 * 3)
		BUG("base64 of %zu bytes", len);
	return (size_t)lib.encode_block((unsigned char *)out, data, (int)len);
}

int crypto_base64_decode(unsigned char *out, const char *text, size_t len)
{
	need_lib();
	if (len > INT_MAX)
		return -1;
	return lib.decode_block(out, (const unsigned char *)text, (int)len);
}
