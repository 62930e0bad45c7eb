/* URL authorities as Go's net/url splits them; see url.h for the contract. */
#include "base/url.h"

#include <ctype.h>
#include <string.h>

int url_split_authority(struct url_authority *out, const char *s, size_t len)
{
	memset(out, 0, sizeof(*out));
	const char *end = s + len;
	const char *at = memrchr(s, '@', len);
	if (at) {
		const char *colon = memchr(s, ':', (size_t)(at - s));
		out->user = s;
		out->user_len = (size_t)((colon ? colon : at) - s);
		out->has_password = colon != NULL;
		s = at + 1;
	}
	out->host = s;
	out->host_len = (size_t)(end - s);
	if (s < end && *s == '[') {
		const char *close = memchr(s, ']', (size_t)(end - s));
		if (!close)
			return -1;
		out->host = s + 1;
		out->host_len = (size_t)(close - s) - 1;
		if (close + 1 < end) {
			if (close[1] != ':')
				return -1;
			out->port = close + 2;
		}
	} else {
		const char *colon = memrchr(s, ':', (size_t)(end - s));
		if (colon) {
			out->host_len = (size_t)(colon - s);
			out->port = colon + 1;
		}
	}
	if (out->port) {
		out->port_len = (size_t)(end - out->port);
		for (size_t i = 0; i < out->port_len; i++)
			if (!isdigit((unsigned char)out->port[i]))
				return -1;
	}
	return 0;
}
