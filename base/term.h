/*
 * Colour on a terminal: whether to paint the output going to a descriptor,
 * and the escapes to paint with (SGR: ESC [ n m).
 *
 * Whether, in this order: the mode a --color option set (always, never);
 * else STACKC_COLOR (always, never, auto); else not when NO_COLOR is set
 * and not empty (no-color.org), nor when TERM is "dumb"; else when the
 * descriptor is a terminal. An unknown STACKC_COLOR value means auto.
 */
#ifndef STACKC_BASE_TERM_H
#define STACKC_BASE_TERM_H

enum term_color_mode { TERM_COLOR_AUTO, TERM_COLOR_ALWAYS, TERM_COLOR_NEVER };

/* --color=WHEN: "auto", "always" or "never"; -1 for another word. */
int term_set_color_mode(const char *when);

/* Whether output to fd is painted. */
int term_color(int fd);

/* The escapes: a colour (bold where it marks a severity) and back to normal. */
#define TERM_RED "\033[1;31m"
#define TERM_YELLOW "\033[1;33m"
#define TERM_CYAN "\033[1;36m"
#define TERM_GREEN "\033[32m"
#define TERM_PLAIN_RED "\033[31m"
#define TERM_PLAIN_YELLOW "\033[33m"
#define TERM_RESET "\033[m"

#endif
