/* SHA-256, scrypt, random bytes and base64 through a libcrypto opened at run time; see crypto.h. */
#include "base/crypto.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "base/dlib.h"

#include <limits.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* the headers' own prototypes, so a signature mismatch does not compile */
static struct {
	__typeof__(&EVP_Digest) digest;
	__typeof__(&EVP_sha256) sha256;
	__typeof__(&EVP_EncodeBlock) encode_block;
	__typeof__(&EVP_DecodeBlock) decode_block;
	__typeof__(&EVP_PBE_scrypt) scrypt;
	__typeof__(&RAND_bytes) rand_bytes;
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
		SYM(scrypt, "EVP_PBE_scrypt"),
		SYM(rand_bytes, "RAND_bytes"),
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

int crypto_scrypt(unsigned char *key, size_t keylen, const void *pass, size_t passlen,
		  const unsigned char *salt, size_t saltlen, unsigned log2_n, unsigned r, unsigned p)
{
	need_lib();
	if (log2_n < 1 || log2_n > 30 || !r || !p)
		return -1;
	uint64_t n = (uint64_t)1 << log2_n;
	/* libcrypto's default cap (32 MiB) is below what N=2^15, r=8 needs: allow the real need */
	uint64_t maxmem = 128 * (uint64_t)r * (n + 2 + (uint64_t)p) + (1u << 20);
	return lib.scrypt(pass, passlen, salt, saltlen, n, r, p, maxmem, key, keylen) == 1 ? 0 : -1;
}

void crypto_random(unsigned char *out, size_t len)
{
	need_lib();
	if (len > INT_MAX || lib.rand_bytes(out, (int)len) != 1)
		die("cannot get %zu random bytes from libcrypto", len);
}
