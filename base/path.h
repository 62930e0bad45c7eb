/*
 * The path to a value, as every diagnostic shows it: keys joined by '.',
 * list items as [i], odd keys quoted (["a b"]). The one way to track where
 * a walk is: push steps on the way down (keys are borrowed, not copied),
 * drop them on the way up, and spell the path out only when a message
 * needs it (most nodes never do).
 */
#ifndef STACKC_BASE_PATH_H
#define STACKC_BASE_PATH_H

#include <stddef.h>

struct sbuf;

/* Path building: keys joined by '.', list items as [i]; odd keys quoted ["a b"]. */
void path_push_key(struct sbuf *path, const char *key);
void path_push_index(struct sbuf *path, size_t i);

/*
 * A path kept as steps while a walk goes down and spelled out only for a
 * message (most nodes never need one). Keys are borrowed, not copied. A
 * push returns the depth before it, which path_steps_pop() goes back to.
 * Pushes are inline: the schema validator pushes one per node.
 */
struct path_step {
	const char *key; /* NULL: list item */
	size_t index;
};

struct path_steps {
	struct path_step *v;
	size_t n, alloc;
};

#define PATH_STEPS_INIT { NULL, 0, 0 }

void path_steps_release(struct path_steps *p);
/* Room for one more step (out of line: rarely needed). */
void path_steps_grow(struct path_steps *p);

static inline size_t path_steps_key(struct path_steps *p, const char *key)
{
	if (p->n == p->alloc)
		path_steps_grow(p);
	p->v[p->n] = (struct path_step){ key, 0 };
	return p->n++;
}

static inline size_t path_steps_index(struct path_steps *p, size_t i)
{
	if (p->n == p->alloc)
		path_steps_grow(p);
	p->v[p->n] = (struct path_step){ NULL, i };
	return p->n++;
}

static inline void path_steps_pop(struct path_steps *p, size_t mark)
{
	p->n = mark;
}

/* Append the path of the first n steps (path_push_key/path_push_index). */
void path_steps_render(struct sbuf *out, const struct path_steps *p, size_t n);

/* out emptied and set to the whole path; returns out->buf. */
const char *path_steps_spell(struct sbuf *out, const struct path_steps *p);

#endif
