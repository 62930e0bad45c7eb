/* SHA-256 and base64 through the run-time loaded libcrypto: published test vectors. */
#include "harness.h"

#include "base/xalloc.h"
#include "base/crypto.h"

#include <stdio.h>
#include <string.h>

void test_crypto__sha256(void)
{
	char hex[65];
	/* FIPS 180-2, appendix B.1 and the empty message */
	crypto_sha256_hex(hex, "abc", 3);
	CHECK_STR_EQ(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_sha256_hex(hex, "", 0);
	CHECK_STR_EQ(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

void test_crypto__base64(void)
{
	/* RFC 4648, section 10 */
	static const char *const plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const enc[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++) {
		size_t n = strlen(plain[i]);
		char out[CRYPTO_BASE64_LEN(sizeof("foobar"))];
		CHECK_INT_EQ(crypto_base64(out, plain[i], n), strlen(enc[i]));
		CHECK_STR_EQ(out, enc[i]);
		unsigned char dec[8] = { 0 };
		int got = crypto_base64_decode(dec, enc[i], strlen(enc[i]));
		/* padding decodes to zero bytes */
		CHECK_INT_EQ(got, 3 * (int)strlen(enc[i]) / 4);
		CHECK(!memcmp(dec, plain[i], n));
		for (int k = (int)n; k < got; k++)
			CHECK_INT_EQ(dec[k], 0);
	}
	unsigned char dec[8];
	CHECK_INT_EQ(crypto_base64_decode(dec, "Zm9v!", 5), -1);
}

static void hex_of(char *out, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

void test_crypto__scrypt(void)
{
	/* RFC 7914, section 12: the first two vectors */
	unsigned char key[64];
	char hex[129];
	CHECK_INT_EQ(crypto_scrypt(key, sizeof(key), "", 0, (const unsigned char *)"", 0, 4, 1, 1), 0);
	hex_of(hex, key, sizeof(key));
	CHECK_STR_EQ(hex, "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
			  "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
	CHECK_INT_EQ(crypto_scrypt(key, sizeof(key), "password", 8, (const unsigned char *)"NaCl", 4, 10, 8, 16), 0);
	hex_of(hex, key, sizeof(key));
	CHECK_STR_EQ(hex, "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
			  "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
	CHECK_INT_EQ(crypto_scrypt(key, sizeof(key), "x", 1, (const unsigned char *)"s", 1, 0, 8, 1), -1);
}

void test_crypto__random(void)
{
	unsigned char a[16] = { 0 }, b[16] = { 0 };
	crypto_random(a, sizeof(a));
	crypto_random(b, sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
}
