/*
 * SHA-256, scrypt, random bytes and base64 from libcrypto (OpenSSL), opened at
 * first use instead of
 * linked: linked in, its constructors and relocations cost every run ~3 M
 * instructions and ~1.6 MiB before main() (measured), and only the commands
 * that talk to the Engine hash or encode anything.
 *
 * crypto_load() opens it now and says why it cannot in *err (0 / -1); a
 * command calls it before doing anything it could not undo (engine_open does).
 * The other functions open it on first use and die() with that message when
 * they cannot.
 *
 * STACKC_LIBCRYPTO, when set, names the library to open instead of the usual
 * sonames (libcrypto.so.3, libcrypto.so).
 */
#ifndef STACKC_BASE_CRYPTO_H
#define STACKC_BASE_CRYPTO_H

#include <stddef.h>

struct sbuf;

int crypto_load(struct sbuf *err);

/* The SHA-256 of len bytes as 64 lower-case hex digits and a NUL. */
void crypto_sha256_hex(char out[65], const void *data, size_t len);

/* Standard base64 with padding; out has room for CRYPTO_BASE64_LEN(len) bytes
 * and gets a NUL. Returns the length written (without the NUL). */
#define CRYPTO_BASE64_LEN(n) (4 * (((n) + 2) / 3) + 1)
size_t crypto_base64(char *out, const void *data, size_t len);

/* Decodes len bytes of base64 text into out (room for 3 * len / 4 bytes).
 * Returns the number of bytes written, padding counted as zero bytes, or -1
 * when the text is not base64. */
int crypto_base64_decode(unsigned char *out, const char *text, size_t len);

/*
 * scrypt (RFC 7914) of pass with salt, cost N = 2^log2_n, block size r,
 * parallelism p, into keylen bytes of key. Memory-hard: it needs about
 * 128 * r * N bytes, which is allowed here. 0, or -1 when libcrypto refuses
 * the parameters.
 */
int crypto_scrypt(unsigned char *key, size_t keylen, const void *pass, size_t passlen,
		  const unsigned char *salt, size_t saltlen, unsigned log2_n, unsigned r, unsigned p);

/* len bytes from libcrypto's CSPRNG; die()s when it cannot give them. */
void crypto_random(unsigned char *out, size_t len);

#endif
