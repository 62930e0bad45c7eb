/* X-Registry-Auth from the docker CLI's config.json; see regauth.h for the contract. */
#include "swarm/regauth.h"

#include "base/crypto.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* The registry host of an image, in the form config.json keys use. */
static char *registry_key(const char *image)
{
	const char *slash = strchr(image, '/');
	if (slash) {
		size_t fl = (size_t)(slash - image);
		int domain = fl == 9 && !strncmp(image, "localhost", 9);
		for (size_t i = 0; i < fl && !domain; i++)
			if (image[i] == '.' || image[i] == ':' || isupper((unsigned char)image[i]))
				domain = 1;
		if (domain && !(fl == 9 && !strncmp(image, "docker.io", 9)) &&
		    !(fl == 15 && !strncmp(image, "index.docker.io", 15)))
			return xstrndup(image, fl);
	}
	return xstrdup("https://index.docker.io/v1/");
}

/* "https://host/v1/" → "host" */
static const char *strip_scheme(const char *k, size_t *len)
{
	if (!strncmp(k, "https://", 8))
		k += 8;
	else if (!strncmp(k, "http://", 7))
		k += 7;
	const char *s = strchr(k, '/');
	*len = s ? (size_t)(s - k) : strlen(k);
	return k;
}

static json_t *find_auth(json_t *auths, const char *key)
{
	json_t *v = json_object_get(auths, key);
	if (v)
		return v;
	size_t kl;
	const char *kh = strip_scheme(key, &kl);
	const char *k;
	json_object_foreach(auths, k, v) {
		size_t l;
		const char *h = strip_scheme(k, &l);
		if (l == kl && !strncmp(h, kh, l))
			return v;
	}
	return NULL;
}

static char *b64url(const char *s, size_t n)
{
	char *out = xmalloc(CRYPTO_BASE64_LEN(n));
	size_t len = crypto_base64(out, s, n);
	for (size_t i = 0; i < len; i++)
		out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
	return out;
}

char *regauth_header(const char *image)
{
	const char *dir = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");
	char *path = dir && *dir ? xstrfmt("%s/config.json", dir) : xstrfmt("%s/.docker/config.json", home ? home : "");
	json_t *cfg = json_load_file(path, 0, NULL);
	free(path);
	char *key = registry_key(image);
	json_t *entry = find_auth(json_object_get(cfg, "auths"), key);
	json_t *ac = json_object();
	const char *auth = json_string_value(json_object_get(entry, "auth"));
	if (auth) {
		unsigned char *dec = xmalloc(strlen(auth) + 1);
		int n = crypto_base64_decode(dec, auth, strlen(auth));
		/* padding counts as zero bytes */
		while (n > 0 && !dec[n - 1])
			n--;
		const char *colon = n > 0 ? memchr(dec, ':', (size_t)n) : NULL;
		if (colon) {
			json_object_set_new(ac, "username", json_stringn((const char *)dec, (size_t)(colon - (char *)dec)));
			json_object_set_new(ac, "password",
					    json_stringn(colon + 1, (size_t)n - (size_t)(colon + 1 - (char *)dec)));
		}
		explicit_bzero(dec, strlen(auth) + 1);
		free(dec);
	}
	if (entry)
		json_object_set_new(ac, "serveraddress", json_string(key));
	static const char *const extra[] = { "identitytoken", "registrytoken" };
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++)
		if (json_object_get(entry, extra[i]))
			json_object_set(ac, extra[i], json_object_get(entry, extra[i]));
	char *dump = json_dumps(ac, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *out = b64url(dump, strlen(dump));
	explicit_bzero(dump, strlen(dump));
	free(dump);
	json_decref(ac);
	json_decref(cfg);
	free(key);
	return out;
}
