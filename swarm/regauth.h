/*
 * Registry credentials for the Engine: the X-Registry-Auth value docker sends
 * with --with-registry-auth (for the digest lookups of --resolve-image, and on
 * service create and update, so the nodes can pull a private image).
 *
 * Resolved exactly as the docker CLI resolves them (cli/config/configfile,
 * cli/config/credentials):
 *
 *   the registry of an image is its domain ("registry.example.com:5000/app"
 *   → "registry.example.com:5000"); no domain, "docker.io" and
 *   "index.docker.io" are Docker Hub, whose key is
 *   "https://index.docker.io/v1/" (docker's IndexServer). Then, in
 *   $DOCKER_CONFIG/config.json (default ~/.docker/config.json):
 *
 *   1. credHelpers[key], else credsStore: docker-credential-<name> runs with
 *      the argument `get` and the key on its stdin, and prints
 *      {"ServerURL": ..., "Username": ..., "Secret": ...} (a Username of
 *      "<token>" makes Secret an identity token); a helper that exits with
 *      "credentials not found in native keychain" means no credentials. The
 *      auths entry of the key, if any, still gives email and registrytoken.
 *   2. else auths[key], or else the first auths entry whose key names the same
 *      host ("https://registry.example.com/v2/" for "registry.example.com";
 *      docker's ConvertToHostname): "auth" (base64 of user:password),
 *      "identitytoken", "registrytoken", "email"; serveraddress is the entry's
 *      key.
 *
 * The header is base64url (with padding) of that AuthConfig as JSON (username,
 * password, email, serveraddress, identitytoken, registrytoken; empty fields
 * left out), "e30=" ({}) when there is none or no config.json. Each registry is
 * resolved once per process (a helper runs at most once per registry and
 * configuration file); regauth_clear() wipes what was kept. Credentials never
 * appear in messages: a failing helper is named with its exit status and the
 * first line of its own error output.
 *
 * Differs from docker on purpose: a helper that cannot be run, fails or
 * answers something other than its JSON is an error naming it (docker then
 * sends no credentials and the pull fails later, on the nodes); so is a
 * config.json that is not JSON or an "auth" that is not base64 of
 * user:password. DOCKER_AUTH_CONFIG (credentials in the environment, read by
 * recent docker CLIs) is not read.
 */
#ifndef STACKC_SWARM_REGAUTH_H
#define STACKC_SWARM_REGAUTH_H

struct sbuf;

/* The config.json key of an image's registry ("https://index.docker.io/v1/"
 * for Docker Hub). Heap string; the caller frees it. */
char *regauth_registry(const char *image);

/*
 * The X-Registry-Auth value for image in *header (heap; the caller frees it):
 * 0, or -1 with the reason in *err ("docker-credential-pass (credsStore of
 * /home/me/.docker/config.json) failed for registry.example.com: exited with
 * status 1: ...").
 */
int regauth_lookup(char **header, const char *image, struct sbuf *err);

/* The same, for callers that ran regauth_lookup() on the image's registry
 * before: never fails ("e30=" when the lookup fails). */
char *regauth_header(const char *image);

/*
 * Whether the docker configuration names credentials for the image's
 * registry: a credHelpers entry or an auths entry (docker login writes one
 * also when a credsStore keeps the secret), found as in 1. and 2. above.
 * Runs no helper; a credsStore alone does not count.
 */
int regauth_configured(const char *image);

/* Forget every resolved credential, wiping it from memory. */
void regauth_clear(void);

/* docker's ConvertToHostname: "https://host:5000/v2/" → "host:5000". Heap string. */
char *regauth_hostname(const char *key);

#endif
