/* Registry credentials as the docker CLI resolves them; see regauth.h for the contract. */
#include "swarm/regauth.h"

#include "base/crypto.h"
#include "base/proc.h"
#include "base/sbuf.h"
#include "base/url.h"
#include "base/xalloc.h"
#include "swarm/convert.h"
#include "swarm/engine.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define INDEX_SERVER "https://index.docker.io/v1/"
#define HELPER_TIMEOUT_MS 60000L
/* what docker-credential-helpers prints for "no credentials stored" */
#define NOT_FOUND "credentials not found in native keychain"

char *regauth_registry(const char *image)
{
	size_t n = convert_image_domain_len(image);
	if (convert_image_domain_is_hub(image, n))
		return xstrdup(INDEX_SERVER);
	return xstrndup(image, n);
}

char *regauth_hostname(const char *key)
{
	const char *sep = strstr(key, "://");
	struct url_authority u;
	/* Go's url.Parse, then Hostname() and Port() joined again */
	if (sep && !url_split_authority(&u, sep + 3, strcspn(sep + 3, "/?#")) && u.host_len) {
		if (!u.port_len)
			return xstrndup(u.host, u.host_len);
		return xstrfmt(memchr(u.host, ':', u.host_len) ? "[%.*s]:%.*s" : "%.*s:%.*s", (int)u.host_len, u.host,
			       (int)u.port_len, u.port);
	}
	return xstrndup(key, strcspn(key, "/"));
}

/* ---- the configuration file ---- */

static char *config_path(void)
{
	char *dir = engine_config_dir();
	char *path = xstrfmt("%s/config.json", dir);
	free(dir);
	return path;
}

/* config.json, or NULL when there is none; -1 when it is unreadable. */
static int load_config(json_t **out, const char *path, struct sbuf *err)
{
	json_error_t jerr;
	struct stat st;
	*out = NULL;
	if (stat(path, &st))
		return 0;
	*out = json_load_file(path, 0, &jerr);
	if (!*out || !json_is_object(*out)) {
		sb_printf(err, "cannot read the docker configuration %s: %s", path,
			  *out ? "not a JSON object" : jerr.text);
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The auths entry for key: the exact one, else the first naming the same host. */
static json_t *find_auths_entry(const json_t *conf, const char *key, const char **entry_key)
{
	json_t *auths = json_object_get(conf, "auths");
	json_t *v = json_object_get(auths, key);
	*entry_key = key;
	if (v)
		return v;
	const char *k;
	json_object_foreach(auths, k, v) {
		char *h = regauth_hostname(k);
		int same = !strcmp(h, key);
		free(h);
		if (same) {
			*entry_key = k;
			return v;
		}
	}
	return NULL;
}

static const char *helper_for(const json_t *conf, const char *key, const char **from)
{
	const char *h = json_string_value(json_object_get(json_object_get(conf, "credHelpers"), key));
	*from = "credHelpers";
	if (h && *h)
		return h;
	*from = "credsStore";
	h = json_string_value(json_object_get(conf, "credsStore"));
	return h && *h ? h : NULL;
}

/* The AuthConfig being built: Go's field order, empty fields left out. */
struct auth {
	char *username, *password, *email, *serveraddress, *identitytoken, *registrytoken;
};

static void set_field(char **field, const char *v, size_t n)
{
	if (*field) {
		explicit_bzero(*field, strlen(*field));
		free(*field);
	}
	*field = v && n ? xstrndup(v, n) : NULL;
}

static void auth_release(struct auth *a)
{
	char **fields[] = { &a->username, &a->password, &a->email, &a->serveraddress, &a->identitytoken,
			    &a->registrytoken };
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		set_field(fields[i], NULL, 0);
}

static void set_json_field(char **field, const json_t *entry, const char *name)
{
	const char *v = json_string_value(json_object_get(entry, name));
	set_field(field, v, v ? strlen(v) : 0);
}

/* An auths entry as docker loads it: "auth" decoded into username and password. */
static int from_entry(struct auth *a, const json_t *entry, const char *entry_key, const char *path,
		      struct sbuf *err)
{
	const char *b64 = json_string_value(json_object_get(entry, "auth"));
	if (b64 && *b64) {
		size_t len = strlen(b64);
		unsigned char *dec = xcalloc(len + 1, 1);
		int n = crypto_base64_decode(dec, b64, len);
		const char *colon = n > 0 ? memchr(dec, ':', (size_t)n) : NULL;
		if (!colon || colon == (char *)dec) {
			explicit_bzero(dec, len + 1);
			free(dec);
			sb_printf(err, "%s: auths[\"%s\"].auth is not the base64 of user:password", path, entry_key);
			return -1;
		}
		const char *pw = colon + 1, *end = (const char *)dec + n;
		/* Go's decoding leaves zero bytes for the padding; docker trims them */
		while (end > pw && !end[-1])
			end--;
		while (pw < end && !*pw)
			pw++;
		set_field(&a->username, (const char *)dec, (size_t)(colon - (char *)dec));
		set_field(&a->password, pw, (size_t)(end - pw));
		explicit_bzero(dec, len + 1);
		free(dec);
	}
	set_json_field(&a->email, entry, "email");
	set_json_field(&a->identitytoken, entry, "identitytoken");
	set_json_field(&a->registrytoken, entry, "registrytoken");
	set_field(&a->serveraddress, entry_key, strlen(entry_key));
	return 0;
}

/* The first line of a helper's own message (it never holds the secret it failed to give). */
static void put_first_line(struct sbuf *sb, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	size_t line = 0;
	while (line < n && line < 200 && s[line] != '\n' && s[line] != '\r')
		line++;
	for (size_t i = 0; i < line; i++)
		sb_putc(sb, (unsigned char)s[i] < ' ' ? '?' : s[i]);
}

static int from_helper(struct auth *a, const char *helper, const char *from, const char *key, const char *path,
		       struct sbuf *err)
{
	char *prog = xstrfmt("docker-credential-%s", helper);
	const char *const argv[] = { prog, "get", NULL };
	struct sbuf out = SBUF_INIT, errout = SBUF_INIT, why = SBUF_INIT;
	int status = 0, ret = -1;
	json_t *creds = NULL;
	if (proc_run(argv, key, strlen(key), &out, &errout, HELPER_TIMEOUT_MS, &status, &why))
		goto fail;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		size_t n = out.len;
		while (n && isspace((unsigned char)out.buf[n - 1]))
			n--;
		size_t skip = strspn(out.buf, " \t\r\n");
		if (n > skip && n - skip == strlen(NOT_FOUND) && !strncmp(out.buf + skip, NOT_FOUND, n - skip)) {
			/* nothing stored: the fields a helper would fill stay empty, as in docker */
			set_field(&a->username, NULL, 0);
			set_field(&a->password, NULL, 0);
			set_field(&a->identitytoken, NULL, 0);
			set_field(&a->serveraddress, NULL, 0);
			ret = 0;
			goto done;
		}
		proc_put_status(&why, status);
		if (out.len || errout.len) {
			sb_puts(&why, ": ");
			if (out.len > skip)
				put_first_line(&why, out.buf, out.len);
			else
				put_first_line(&why, errout.buf, errout.len);
		}
		goto fail;
	}
	creds = json_loadb(out.buf, out.len, 0, NULL);
	const char *user = json_string_value(json_object_get(creds, "Username"));
	const char *secret = json_string_value(json_object_get(creds, "Secret"));
	if (!json_is_object(creds)) {
		sb_puts(&why, "its answer is not the JSON of a credential");
		goto fail;
	}
	set_field(&a->username, NULL, 0);
	set_field(&a->password, NULL, 0);
	set_field(&a->identitytoken, NULL, 0);
	if (user && !strcmp(user, "<token>")) {
		set_field(&a->identitytoken, secret, secret ? strlen(secret) : 0);
	} else {
		set_field(&a->username, user, user ? strlen(user) : 0);
		set_field(&a->password, secret, secret ? strlen(secret) : 0);
	}
	set_field(&a->serveraddress, key, strlen(key));
	ret = 0;
	goto done;
fail:
	sb_printf(err, "%s (%s of %s) failed for %s: %s", prog, from, path, key, why.buf);
done:
	if (creds) {
		/* jansson keeps its own copy of the secret: overwrite it before freeing */
		json_t *s = json_object_get(creds, "Secret");
		if (json_is_string(s))
			explicit_bzero((char *)json_string_value(s), json_string_length(s));
		json_decref(creds);
	}
	explicit_bzero(out.buf, out.len);
	sbuf_release(&out);
	sbuf_release(&errout);
	sbuf_release(&why);
	free(prog);
	return ret;
}

static char *encode(const struct auth *a)
{
	json_t *o = json_object();
	const struct {
		const char *name, *value;
	} fields[] = {
		{ "username", a->username },           { "password", a->password },
		{ "email", a->email },                 { "serveraddress", a->serveraddress },
		{ "identitytoken", a->identitytoken }, { "registrytoken", a->registrytoken },
	};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (fields[i].value)
			json_object_set_new(o, fields[i].name, json_string(fields[i].value));
	char *dump = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!dump)
		die("cannot encode registry credentials");
	size_t n = strlen(dump);
	char *out = xmalloc(CRYPTO_BASE64_LEN(n));
	size_t len = crypto_base64(out, dump, n);
	for (size_t i = 0; i < len; i++)
		out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
	explicit_bzero(dump, n);
	free(dump);
	/* the values jansson copied */
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
		explicit_bzero((char *)json_string_value(v), json_string_length(v));
	json_decref(o);
	return out;
}

static int resolve(char **header, const char *path, const char *key, struct sbuf *err)
{
	json_t *conf;
	struct auth a = { 0 };
	int ret = -1;
	*header = NULL;
	if (load_config(&conf, path, err))
		return -1;
	const char *entry_key, *from;
	json_t *entry = find_auths_entry(conf, key, &entry_key);
	if (entry && from_entry(&a, entry, entry_key, path, err))
		goto done;
	const char *helper = helper_for(conf, key, &from);
	if (helper && from_helper(&a, helper, from, key, path, err))
		goto done;
	*header = encode(&a);
	ret = 0;
done:
	auth_release(&a);
	json_decref(conf);
	return ret;
}

/* ---- once per registry and configuration file ---- */

static struct cached {
	char *path, *key, *header;
} *cache;
static size_t ncache, alloc_cache;

int regauth_lookup(char **header, const char *image, struct sbuf *err)
{
	char *path = config_path(), *key = regauth_registry(image);
	int ret = 0;
	*header = NULL;
	for (size_t i = 0; i < ncache && !*header; i++)
		if (!strcmp(cache[i].path, path) && !strcmp(cache[i].key, key))
			*header = xstrdup(cache[i].header);
	if (!*header) {
		ret = resolve(header, path, key, err);
		if (!ret) {
			ALLOC_GROW(cache, ncache + 1, alloc_cache);
			cache[ncache++] = (struct cached){ path, key, xstrdup(*header) };
			path = key = NULL;
		}
	}
	free(path);
	free(key);
	return ret;
}

char *regauth_header(const char *image)
{
	struct sbuf err = SBUF_INIT;
	char *header;
	if (regauth_lookup(&header, image, &err))
		header = xstrdup("e30=");
	sbuf_release(&err);
	return header;
}

int regauth_configured(const char *image)
{
	char *path = config_path(), *key = regauth_registry(image);
	struct sbuf err = SBUF_INIT;
	json_t *conf;
	const char *entry_key, *from;
	int found = !load_config(&conf, path, &err) &&
		    (find_auths_entry(conf, key, &entry_key) ||
		     (helper_for(conf, key, &from) && !strcmp(from, "credHelpers")));
	json_decref(conf);
	sbuf_release(&err);
	free(path);
	free(key);
	return found;
}

void regauth_clear(void)
{
	for (size_t i = 0; i < ncache; i++) {
		explicit_bzero(cache[i].header, strlen(cache[i].header));
		free(cache[i].header);
		free(cache[i].path);
		free(cache[i].key);
	}
	free(cache);
	cache = NULL;
	ncache = alloc_cache = 0;
}
