/*
 * The authority of a URL ("user@host:port", between "scheme://" and the path),
 * split as Go's net/url splits it, for the places that must read URLs as the
 * docker CLI does (ssh:// hosts, registry keys of the docker configuration).
 *
 * The user part ends at the last '@'; a ':' in it starts a password. A host in
 * brackets ("[::1]:22") is an IPv6 address, returned without them; otherwise
 * the port starts after the last ':'. The port must be digits only (it may be
 * empty: "host:"). url_split_authority() returns 0, or -1 for a bracket
 * without its pair, text after "]" that is not ":port", or a port with
 * something other than digits.
 */
#ifndef STACKC_BASE_URL_H
#define STACKC_BASE_URL_H

#include <stddef.h>

struct url_authority {
	const char *user;   /* NULL when there is no '@' */
	size_t user_len;    /* up to the password's ':' */
	int has_password;
	const char *host;   /* without brackets; may be empty */
	size_t host_len;
	const char *port;   /* NULL when there is no ':' after the host */
	size_t port_len;
};

int url_split_authority(struct url_authority *out, const char *s, size_t len);

#endif
