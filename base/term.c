/* Whether to paint the output; see base/term.h. */
#include "base/term.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum term_color_mode mode_set = TERM_COLOR_AUTO;

static int mode_of(const char *when, enum term_color_mode *mode)
{
	static const char *const names[] = { [TERM_COLOR_AUTO] = "auto",
					     [TERM_COLOR_ALWAYS] = "always",
					     [TERM_COLOR_NEVER] = "never" };
	for (int m = 0; m < 3; m++)
		if (!strcmp(when, names[m])) {
			*mode = (enum term_color_mode)m;
			return 0;
		}
	return -1;
}

int term_set_color_mode(const char *when)
{
	return mode_of(when, &mode_set);
}

int term_color(int fd)
{
	enum term_color_mode mode = mode_set;
	const char *env = getenv("STACKC_COLOR"), *no = getenv("NO_COLOR"), *term = getenv("TERM");
	if (mode == TERM_COLOR_AUTO && env)
		mode_of(env, &mode);
	if (mode != TERM_COLOR_AUTO)
		return mode == TERM_COLOR_ALWAYS;
	if ((no && *no) || (term && !strcmp(term, "dumb")))
		return 0;
	return isatty(fd);
}
