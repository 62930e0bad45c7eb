/* SHA-256 and base64 through the run-time loaded libcrypto: published test vectors. */
#include "harness.h"

#include "base/xalloc.h"
#include "base/crypto.h"

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
