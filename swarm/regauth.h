/*
 * Registry credentials for the Engine: the X-Registry-Auth value docker sends
 * with --with-registry-auth (for the digest lookups of --resolve-image, and on
 * service create and update, so the nodes can pull a private image).
 *
 * regauth_header() reads $DOCKER_CONFIG/config.json (default ~/.docker) and
 * looks up the image's registry in "auths" (Docker Hub is
 * "https://index.docker.io/v1/"; a key with a scheme or path matches by host).
 * The value is base64url of the AuthConfig JSON: username and password from
 * "auth", serveraddress, identitytoken and registrytoken. No entry, or no
 * readable config.json, gives "e30=" ({}), as docker sends. It never fails.
 *
 * Differs from docker on purpose: credential helpers (credsStore,
 * credHelpers) are not run; an image needing one is pulled without credentials.
 * Decoded passwords are wiped from memory after use.
 */
#ifndef STACKC_SWARM_REGAUTH_H
#define STACKC_SWARM_REGAUTH_H

/* The X-Registry-Auth value for image. Heap string; the caller frees it. */
char *regauth_header(const char *image);

#endif
