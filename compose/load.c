/*
 * The YAML loader. libyaml gives events with 0-based marks; they become
 * 1-based positions here and nowhere else. The tree is built with an explicit
 * stack (no recursion), so deep input cannot overflow the C stack.
 */
#include "compose/load.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/hash.h"
#include "base/path.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "compose/gocompat.h"
#include "base/xalloc.h"
#include "compose/ytime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

/*
 * A regular file is mapped, not read (see source_add_mapped); stdin, pipes,
 * empty files and files that cannot be mapped go through a buffer.
 */
static int map_regular(uint32_t *out_src, FILE *f, struct run *run, const char *shown,
		       const char *abspath)
{
	struct stat st;
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > LOAD_MAX_BYTES)
		return -1;
	return source_add_mapped(out_src, &run->sources, shown, abspath, fileno(f),
				 (size_t)st.st_size);
}

int load_read_file(uint32_t *out_src, struct run *run, const char *name, const char *abspath)
{
	int is_stdin = !strcmp(name, "-");
	const char *shown = is_stdin ? "<stdin>" : name;
	FILE *f = is_stdin ? stdin : fopen(abspath ? abspath : name, "rb");
	struct sbuf sb = SBUF_INIT;
	int ret = -1;
	sbuf_init(&sb, LOAD_MAX_BYTES);
	if (!f) {
		diag_error(&run->diag, POS_NONE, NULL, "cannot open %s: %s",
			   diag_repr(&run->diag, shown, strlen(shown)), strerror(errno));
		goto done;
	}
	if (!is_stdin && !map_regular(out_src, f, run, shown, abspath)) {
		ret = 0;
		goto done;
	}
	int err = sbuf_read_stream(&sb, f);
	if (err == EFBIG) {
		diag_error(&run->diag, POS_NONE, NULL, "%s is larger than %u MiB",
			   diag_repr(&run->diag, shown, strlen(shown)), LOAD_MAX_BYTES >> 20);
		goto done;
	}
	if (err) {
		diag_error(&run->diag, POS_NONE, NULL, "cannot read %s: %s",
			   diag_repr(&run->diag, shown, strlen(shown)), strerror(err));
		goto done;
	}
	*out_src = source_add(&run->sources, shown, abspath, sb.buf, sb.len);
	ret = 0;
done:
	if (f && !is_stdin)
		fclose(f);
	sbuf_release(&sb);
	return ret;
}

/* ==== scalar typing (yaml.v3's resolve for interface{} targets) ==== */

void load_resolve_plain(struct arena *a, struct node *n)
{
	static const enum node_kind kinds[] = {
		[GOYAML_STR] = NODE_STR,     [GOYAML_NULL] = NODE_NULL, [GOYAML_BOOL] = NODE_BOOL,
		[GOYAML_INT] = NODE_INT,     [GOYAML_UINT] = NODE_INT,  [GOYAML_FLOAT] = NODE_FLOAT,
		[GOYAML_TIMESTAMP] = NODE_TIME,
	};
	struct goyaml_value v;
	(void)a;
	goyaml_resolve(&v, n->s.text, n->len);
	n->kind = kinds[v.tag];
	if (v.tag == GOYAML_BOOL)
		n->s.v.b = v.v.b;
	else if (v.tag == GOYAML_INT)
		n->s.v.i = v.v.i;
	else if (v.tag == GOYAML_UINT)
		n->s.v.u = v.v.u;
	else if (v.tag == GOYAML_FLOAT)
		n->s.v.f = v.v.f;
	if (v.tag == GOYAML_UINT)
		n->flags |= NODE_UNSIGNED;
}

/* ==== the event walk ==== */

struct anchor {
	char *name;
	struct node *node; /* NULL while the anchored node is still open */
};

struct frame {
	struct node *node;
	char *anchor;     /* anchor to define when the node closes */
	/* maps: the pending key */
	int have_key;
	const char *key; /* in the arena */
	struct pos keypos;
	unsigned keyflags;
	/* maps: `<<` sources, applied when the map closes */
	struct node **merges;
	size_t nmerges, merges_alloc;
	struct pos merge_pos;
	size_t base;     /* where its children start in the loader's items or ents */
	size_t anchors_at; /* the loader's nanchors when it opened */
	/* maps: key index once the map is big (services of a large project) */
	uint32_t *index; /* entry number + 1; 0 = empty slot */
	size_t index_cap;
};

#define INDEX_FROM 16 /* below this a linear scan is cheaper */

/* A text in the arena that scalars with the same bytes share. */
struct shared_text {
	const char *text;
	uint32_t len, hash;
};

struct loader {
	struct run *run;
	uint32_t src;
	/* keys and short scalars repeat (image, environment, "true", ...): one copy each */
	struct shared_text *texts; /* text_sets sets of 2 ways, see scalar_text */
	size_t text_sets;
	int nonstr_key; /* a mapping below the root has a key that is not a string */
	struct frame *stack;
	size_t depth, stack_alloc;
	/* the children of the open frames, each frame's above its parent's */
	struct node **items;
	size_t nitems, items_alloc;
	struct node_entry *ents;
	size_t nents, ents_alloc;
	struct anchor *anchors;
	size_t nanchors, anchors_alloc;
	size_t alias_nodes;
	/* where the value being read goes: a step per pending key and per open list */
	struct path_steps path;
	int had_error; /* recoverable errors (duplicate keys): keep going, fail at the end */
	struct node *root;
};


#define SHARE_MAX_LEN 64 /* longer texts are rarely repeated */
#define TEXT_SETS_MAX 4096 /* 128 KiB of cache entries; smaller files, fewer */

static uint64_t hash_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

/* Eight bytes at a time (this runs for every scalar), the last 0-8 in one step. */
static uint32_t text_hash(const char *s, size_t len)
{
	const char *end = s + len;
	uint64_t h = 0x9E3779B97F4A7C15ull ^ len, w = 0;
	for (; end - s > 8; s += 8) {
		memcpy(&w, s, 8);
		h = hash_mix(h, w);
	}
	size_t r = (size_t)(end - s);
	if (r >= 4) {
		uint32_t lo, hi; /* overlapping when r < 8 */
		memcpy(&lo, s, 4);
		memcpy(&hi, end - 4, 4);
		w = lo | (uint64_t)hi << 32;
	} else if (r) {
		w = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[r / 2] << 8 |
		    (uint64_t)(unsigned char)s[r - 1] << 16;
	} else {
		w = 0;
	}
	h = hash_mix(h, w);
	return (uint32_t)(h ^ (h >> 29));
}

/*
 * The arena copy of s for a scalar: shared with an earlier scalar of the
 * file that has the same bytes, if the cache of texts still holds it. Texts
 * are never changed in place (a phase that changes a value gives the node
 * a new text), so sharing is safe. The cache is small (it is probed for
 * every scalar, and a table of every text would miss the CPU cache each
 * time) and 2-way: a text that is met again moves to its set's first way,
 * new texts take the second, so the texts that repeat (keys, common values)
 * stay while the many that do not pass through.
 */
static const char *scalar_text(struct loader *l, const char *s, size_t len)
{
	if (len > SHARE_MAX_LEN)
		return arena_strndup(&l->run->arena, s, len);
	uint32_t h = text_hash(s, len);
	if (!l->texts) {
		size_t bytes = source_get(&l->run->sources, l->src)->len;
		for (l->text_sets = 64; l->text_sets < TEXT_SETS_MAX && l->text_sets * 64 < bytes;)
			l->text_sets *= 2;
		l->texts = xcalloc(l->text_sets * 2, sizeof(*l->texts));
	}
	struct shared_text *set = &l->texts[(h & (l->text_sets - 1)) * 2];
	for (int w = 0; w < 2; w++) {
		struct shared_text *t = &set[w];
		if (t->text && t->hash == h && t->len == len && !memcmp(t->text, s, len)) {
			if (w) {
				struct shared_text hit = *t;
				set[1] = set[0];
				set[0] = hit;
			}
			return set[0].text;
		}
	}
	set[1] = (struct shared_text){ arena_strndup(&l->run->arena, s, len), (uint32_t)len, h };
	return set[1].text;
}

/* The entries of an open mapping so far (valid until the next one is added). */
static struct node_entry *frame_entries(struct loader *l, struct frame *f)
{
	return l->ents ? l->ents + f->base : NULL; /* no entries yet: NULL + 0 is undefined */
}

static void index_insert(struct loader *l, struct frame *f, size_t entry)
{
	size_t mask = f->index_cap - 1;
	size_t i = hash_str(frame_entries(l, f)[entry].key) & mask;
	while (f->index[i])
		i = (i + 1) & mask;
	f->index[i] = (uint32_t)entry + 1;
}

/* Keep the index covering every entry; grows at half load. */
static void index_update(struct loader *l, struct frame *f)
{
	size_t n = f->node->map.n;
	if (n < INDEX_FROM)
		return;
	if (n * 2 > f->index_cap) {
		free(f->index);
		f->index_cap = f->index_cap ? f->index_cap * 2 : 64;
		while (n * 2 > f->index_cap)
			f->index_cap *= 2;
		f->index = xcalloc(f->index_cap, sizeof(*f->index));
		for (size_t i = 0; i < n; i++)
			index_insert(l, f, i);
	} else {
		index_insert(l, f, n - 1);
	}
}

static struct node_entry *frame_find(struct loader *l, struct frame *f, const char *key)
{
	struct node_entry *v = frame_entries(l, f);
	if (!f->index) {
		/* keys of one mapping rarely share their first byte: compare that first */
		for (size_t i = 0; i < f->node->map.n; i++)
			if (v[i].key[0] == key[0] && !strcmp(v[i].key, key))
				return &v[i];
		return NULL;
	}
	size_t mask = f->index_cap - 1;
	for (size_t i = hash_str(key) & mask; f->index[i]; i = (i + 1) & mask) {
		struct node_entry *e = &v[f->index[i] - 1];
		if (!strcmp(e->key, key))
			return e;
	}
	return NULL;
}

static struct pos mark_pos(const struct loader *l, yaml_mark_t m)
{
	return pos_make(l->src, (uint64_t)m.line + 1, (uint64_t)m.column + 1);
}

/* Counting first keeps a billion-laughs document from being built at all. */
static size_t count_nodes_capped(const struct node *n, size_t cap)
{
	size_t c = 1;
	if (n->kind == NODE_SEQ) {
		for (size_t i = 0; i < n->seq.n && c <= cap; i++)
			c += count_nodes_capped(n->seq.v[i], cap);
	} else if (n->kind == NODE_MAP) {
		for (size_t i = 0; i < n->map.n && c <= cap; i++)
			c += count_nodes_capped(n->map.v[i].val, cap);
	}
	return c;
}

static int charge_alias(struct loader *l, const struct node *target, struct pos at)
{
	size_t room = LOAD_MAX_ALIAS_NODES - l->alias_nodes;
	size_t c = count_nodes_capped(target, room);
	if (c > room)
		return diag_error(&l->run->diag, at, NULL,
				  "alias expansion creates more than %u nodes (is this a \"billion laughs\" document?)",
				  LOAD_MAX_ALIAS_NODES);
	l->alias_nodes += c;
	return 0;
}

/*
 * The children of the open sequences and mappings wait on two stacks in
 * the loader; closing one moves its children into the arena at their
 * exact size, so the tree holds no half-empty arrays (nor the copies that
 * growing them in the arena would leave).
 */
static void frame_push_item(struct loader *l, struct frame *f, struct node *item)
{
	ALLOC_GROW(l->items, l->nitems + 1, l->items_alloc);
	l->items[l->nitems++] = item;
	f->node->seq.n++;
	l->path.v[l->path.n - 1].index = f->node->seq.n; /* the list's step: its next item */
}

static void frame_add_entry(struct loader *l, struct frame *f, const char *key,
			    struct pos keypos, unsigned keyflags, struct node *val)
{
	ALLOC_GROW(l->ents, l->nents + 1, l->ents_alloc);
	l->ents[l->nents++] = (struct node_entry){ key, keypos, keyflags, val };
	if ((keyflags & NODE_KEY_NONSTR) && f != l->stack)
		l->nonstr_key = 1;
	f->node->map.n++;
	index_update(l, f);
}

static void frame_close(struct loader *l, struct frame *f)
{
	struct arena *a = &l->run->arena;
	struct node *n = f->node;
	if (n->kind == NODE_SEQ && n->seq.n) {
		n->seq.v = arena_alloc(a, n->seq.n * sizeof(*n->seq.v));
		memcpy(n->seq.v, l->items + f->base, n->seq.n * sizeof(*n->seq.v));
		n->seq.alloc = n->seq.n;
		l->nitems = f->base;
	} else if (n->kind == NODE_MAP && n->map.n) {
		n->map.v = arena_alloc(a, n->map.n * sizeof(*n->map.v));
		memcpy(n->map.v, frame_entries(l, f), n->map.n * sizeof(*n->map.v));
		n->map.alloc = n->map.n;
		l->nents = f->base;
	}
}

/* An open frame given up on an error: its node never joins the tree. */
static void frame_abandon(struct loader *l, struct frame *f)
{
	if (f->node->kind == NODE_SEQ)
		l->nitems = f->base;
	else
		l->nents = f->base;
	f->node->seq.n = 0;
}

static void free_frame(struct frame *f)
{
	free(f->anchor);
	free(f->merges);
	free(f->index);
}

/* The path of the value being read (for a message; in the arena). */
static const char *stack_path(struct loader *l)
{
	struct sbuf path = SBUF_INIT;
	path_steps_render(&path, &l->path, l->path.n);
	const char *s = arena_strndup(&l->run->arena, path.buf, path.len);
	sbuf_release(&path);
	return s;
}

/* The pending key of a map: k's text (in the arena, and never changed). */
static void set_key(struct loader *l, struct frame *f, const struct node *k, unsigned keyflags)
{
	f->have_key = 1;
	f->key = k->s.text;
	f->keypos = k->pos;
	f->keyflags = keyflags;
	path_steps_key(&l->path, f->key);
}

/* The map's pending key has its value (or was refused). */
static void clear_key(struct loader *l, struct frame *f)
{
	f->key = NULL;
	f->have_key = 0;
	path_steps_pop(&l->path, l->path.n - 1);
}

/* Attach a finished node to the open parent (or make it the root). */
static int attach(struct loader *l, struct node *n, int is_key_scalar, unsigned keyflags)
{
	if (!l->depth) {
		l->root = n;
		return 0;
	}
	struct frame *f = &l->stack[l->depth - 1];
	if (f->node->kind == NODE_SEQ) {
		frame_push_item(l, f, n);
		return 0;
	}
	if (!f->have_key) {
		/* this node is a key */
		if (!is_key_scalar) {
			diag_error(&l->run->diag, n->pos, stack_path(l),
				   "mapping keys must be scalars, not a %s", node_kind_name(n->kind));
			return -1;
		}
		set_key(l, f, n, keyflags);
		return 0;
	}
	/* a value */
	if (!strcmp(f->key, "<<") && !(f->keyflags & NODE_QUOTED)) {
		if (!f->nmerges)
			f->merge_pos = f->keypos;
		int ok = n->kind == NODE_MAP;
		if (n->kind == NODE_SEQ) {
			ok = 1;
			for (size_t i = 0; i < n->seq.n; i++)
				ok &= n->seq.v[i]->kind == NODE_MAP;
		}
		if (!ok) {
			diag_error(&l->run->diag, n->pos, stack_path(l),
				   "merge key value must be a mapping or a list of mappings");
			return -1;
		}
		ALLOC_GROW(f->merges, f->nmerges + 1, f->merges_alloc);
		f->merges[f->nmerges++] = n;
	} else {
		struct node_entry *dup = frame_find(l, f, f->key);
		if (dup) {
			diag_add(&l->run->diag, DIAG_ERROR, "yaml.duplicate-key", f->keypos, stack_path(l),
				 "duplicate key %s",
				 diag_repr(&l->run->diag, f->key, strlen(f->key)));
			diag_note(&l->run->diag, dup->keypos, "first defined here");
			clear_key(l, f);
			l->had_error = 1;
			return 0;
		}
		frame_add_entry(l, f, f->key, f->keypos, f->keyflags, n);
	}
	clear_key(l, f);
	return 0;
}

/* Apply `<<`: keys not already present come from the merged maps, earlier maps first. */
static int apply_merges(struct loader *l, struct frame *f)
{
	for (size_t m = 0; m < f->nmerges; m++) {
		struct node *src = f->merges[m];
		size_t nsrc = src->kind == NODE_SEQ ? src->seq.n : 1;
		for (size_t k = 0; k < nsrc; k++) {
			struct node *map = src->kind == NODE_SEQ ? src->seq.v[k] : src;
			for (size_t i = 0; i < map->map.n; i++) {
				struct node_entry *e = &map->map.v[i];
				if (frame_find(l, f, e->key))
					continue;
				if (charge_alias(l, e->val, f->merge_pos))
					return -1;
				frame_add_entry(l, f, e->key, e->keypos, e->keyflags,
						node_copy(&l->run->arena, e->val));
			}
		}
	}
	return 0;
}

static void define_anchor(struct loader *l, const char *name, struct node *n)
{
	/* a later definition of the same name shadows the earlier one */
	ALLOC_GROW(l->anchors, l->nanchors + 1, l->anchors_alloc);
	l->anchors[l->nanchors].name = xstrdup(name);
	l->anchors[l->nanchors].node = n;
	l->nanchors++;
}

static struct anchor *find_anchor(struct loader *l, const char *name)
{
	for (size_t i = l->nanchors; i-- > 0;)
		if (!strcmp(l->anchors[i].name, name))
			return &l->anchors[i];
	return NULL;
}

static int push_frame(struct loader *l, struct node *n, const unsigned char *anchor)
{
	if (l->depth >= LOAD_MAX_DEPTH)
		return diag_error(&l->run->diag, n->pos, NULL,
				  "nesting is deeper than %d levels", LOAD_MAX_DEPTH);
	ALLOC_GROW(l->stack, l->depth + 1, l->stack_alloc);
	struct frame *f = &l->stack[l->depth++];
	memset(f, 0, sizeof(*f));
	f->node = n;
	f->base = n->kind == NODE_SEQ ? l->nitems : l->nents;
	f->anchors_at = l->nanchors;
	if (n->kind == NODE_SEQ)
		path_steps_index(&l->path, 0);
	if (anchor) {
		f->anchor = xstrdup((const char *)anchor);
		/* visible (as open) to catch recursive aliases */
		define_anchor(l, f->anchor, NULL);
	}
	return 0;
}

/*
 * The reader (bad UTF-8, control characters) reports a byte offset, not a
 * mark: the position of that byte, columns counted in characters as marks do.
 */
static struct pos offset_pos(const struct loader *l, size_t offset)
{
	const struct source *s = source_get(&l->run->sources, l->src);
	uint64_t line = 1, col = 1;
	for (size_t i = 0; i < offset && i < s->len; i++) {
		unsigned char c = (unsigned char)s->text[i];
		if (c == '\n') {
			line++;
			col = 1;
		} else if ((c & 0xC0) != 0x80) {
			col++;
		}
	}
	return pos_make(l->src, line, col);
}

/* The character at a mark: a tab where a token should start is worth naming. */
static int tab_at(const struct loader *l, yaml_mark_t m)
{
	const struct source *s = source_get(&l->run->sources, l->src);
	size_t b;
	if (source_line_start(&b, &l->run->sources, l->src, (uint32_t)m.line + 1))
		return 0;
	for (size_t col = 0; col < m.column && b < s->len; col++) {
		b++;
		while (b < s->len && ((unsigned char)s->text[b] & 0xC0) == 0x80)
			b++;
	}
	return b < s->len && s->text[b] == '\t';
}

static void syntax_error(struct loader *l, yaml_parser_t *p)
{
	struct diag_sink *d = &l->run->diag;
	int reader = p->error == YAML_READER_ERROR;
	struct pos at = reader ? offset_pos(l, p->problem_offset) : mark_pos(l, p->problem_mark);
	const char *problem = p->problem ? p->problem : "invalid YAML";
	if (!reader && p->error == YAML_SCANNER_ERROR && tab_at(l, p->problem_mark))
		diag_add(d, DIAG_ERROR, "yaml.syntax", at, NULL,
			 "yaml: a tab character here (YAML indents with spaces only)");
	else if (p->context)
		diag_add(d, DIAG_ERROR, "yaml.syntax", at, NULL, "yaml: %s %s", problem, p->context);
	else
		diag_add(d, DIAG_ERROR, "yaml.syntax", at, NULL, "yaml: %s", problem);
	diag_set_flags(d, DIAG_F_EXCERPT);
	if (p->context && (p->context_mark.line != p->problem_mark.line ||
			   p->context_mark.column != p->problem_mark.column))
		diag_note(d, mark_pos(l, p->context_mark), "%s started here", p->context);
}

/* Fill n (a node of the tree, or a key's on the stack) from a scalar event. */
static void scalar_init(struct loader *l, struct node *n, yaml_event_t *ev)
{
	struct arena *a = &l->run->arena;
	const char *tag = (const char *)ev->data.scalar.tag;
	memset(n, 0, sizeof(*n));
	n->kind = NODE_STR;
	n->pos = mark_pos(l, ev->start_mark);
	n->s.text = scalar_text(l, (const char *)ev->data.scalar.value, ev->data.scalar.length);
	n->len = ev->data.scalar.length;
	int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	if (tag && !strcmp(tag, "!reset"))
		n->flags |= NODE_TAG_RESET;
	else if (tag && !strcmp(tag, "!override"))
		n->flags |= NODE_TAG_OVERRIDE;
	if (tag && !strcmp(tag, YAML_STR_TAG)) {
		n->flags |= NODE_QUOTED;
	} else if (tag && (!strcmp(tag, YAML_INT_TAG) || !strcmp(tag, YAML_FLOAT_TAG) ||
			   !strcmp(tag, YAML_BOOL_TAG) || !strcmp(tag, YAML_NULL_TAG) ||
			   !strcmp(tag, YAML_TIMESTAMP_TAG))) {
		load_resolve_plain(a, n);
	} else if (plain) {
		load_resolve_plain(a, n);
	} else {
		n->flags |= NODE_QUOTED;
	}
}

/*
 * docker validates each file as JSON, and encoding/json cannot write a time
 * whose zone offset is 24 hours or more: docker fails on it wherever it is.
 */
static void check_time(struct loader *l, const struct node *n)
{
	struct ytime t;
	if (n->kind != NODE_TIME || ytime_parse(&t, n->s.text, n->len) || ytime_json_ok(&t))
		return;
	diag_add(&l->run->diag, DIAG_ERROR, "yaml.timestamp", n->pos, stack_path(l),
		 "timestamp %s has a zone offset of 24 hours or more, which docker cannot "
		 "validate (quote it to keep it as a string)",
		 n->s.text); /* a timestamp's text needs no escapes */
	l->had_error = 1;
}

/* The YAML tag a loaded scalar resolved to, as yaml.v3 names it. */
static const char *resolved_tag(const struct node *n)
{
	switch (n->kind) {
	case NODE_NULL: return "!!null";
	case NODE_BOOL: return "!!bool";
	case NODE_INT: return "!!int";
	case NODE_FLOAT: return "!!float";
	case NODE_TIME: return "!!timestamp";
	default: return "!!str";
	}
}

/*
 * yaml.v3 fails when an explicit !!null, !!bool, !!int, !!float or
 * !!timestamp tag does not fit what the text resolves to (`!!int foo`); an
 * integer fits !!float.
 */
static void check_tag(struct loader *l, const struct node *n, const char *tag)
{
	static const char prefix[] = "tag:yaml.org,2002:";
	if (!tag || strncmp(tag, prefix, sizeof(prefix) - 1))
		return;
	const char *want = tag + sizeof(prefix) - 1, *got = resolved_tag(n) + 2;
	if (strcmp(want, "null") && strcmp(want, "bool") && strcmp(want, "int") &&
	    strcmp(want, "float") && strcmp(want, "timestamp"))
		return;
	if (!strcmp(want, got) || (!strcmp(want, "float") && n->kind == NODE_INT))
		return;
	diag_add(&l->run->diag, DIAG_ERROR, "yaml.tag", n->pos, stack_path(l),
		 "value %s reads as !!%s, not the !!%s its tag asks for (remove the tag or change "
		 "the value)",
		 diag_repr(&l->run->diag, n->s.text, n->len), got, want);
	l->had_error = 1;
}

/* What a scalar means as a key: NODE_KEY_NONSTR unless it is a string. */
static unsigned scalar_keyflags(const struct node *n)
{
	return n->kind == NODE_STR ? (n->flags & NODE_QUOTED) : NODE_KEY_NONSTR;
}

int load_yaml(struct node **out, struct run *run, uint32_t src)
{
	const struct source *s = source_get(&run->sources, src);
	yaml_parser_t parser;
	yaml_event_t ev;
	struct loader l;
	int ret = -1, done = 0, in_doc = 0;

	memset(&l, 0, sizeof(l));
	l.run = run;
	l.src = src;
	*out = NULL;
	if (!yaml_parser_initialize(&parser))
		die("cannot initialise the YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)s->text, s->len);

	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(&l, &parser);
			goto out;
		}
		struct node *n = NULL;
		int failed = 0;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			in_doc = 1;
			break;
		case YAML_DOCUMENT_END_EVENT:
			done = 1; /* only the first document counts */
			break;
		case YAML_SCALAR_EVENT: {
			struct frame *top = l.depth ? &l.stack[l.depth - 1] : NULL;
			if (top && top->node->kind == NODE_MAP && !top->have_key &&
			    !ev.data.scalar.anchor) {
				/* a plain key needs no node of its own */
				struct node key;
				scalar_init(&l, &key, &ev);
				set_key(&l, top, &key, scalar_keyflags(&key));
				break;
			}
			n = arena_alloc(&run->arena, sizeof(*n));
			scalar_init(&l, n, &ev);
			check_time(&l, n);
			check_tag(&l, n, (const char *)ev.data.scalar.tag);
			if (ev.data.scalar.anchor)
				define_anchor(&l, (const char *)ev.data.scalar.anchor, n);
			failed = attach(&l, n, 1, scalar_keyflags(n));
			break;
		}
		case YAML_ALIAS_EVENT: {
			struct pos at = mark_pos(&l, ev.start_mark);
			const char *name = (const char *)ev.data.alias.anchor;
			struct anchor *an = find_anchor(&l, name);
			if (!an) {
				failed = diag_error(&run->diag, at, NULL, "unknown anchor %s",
						    diag_repr(&run->diag, name, strlen(name)));
				break;
			}
			if (!an->node) {
				failed = diag_error(&run->diag, at, NULL,
						    "anchor %s is used inside its own definition",
						    diag_repr(&run->diag, name, strlen(name)));
				break;
			}
			if (charge_alias(&l, an->node, at)) {
				failed = -1;
				break;
			}
			n = node_copy(&run->arena, an->node);
			unsigned kf = n->kind == NODE_STR ? 0 : NODE_KEY_NONSTR;
			failed = attach(&l, n, node_is_scalar(n), kf);
			break;
		}
		case YAML_SEQUENCE_START_EVENT:
			n = node_new_seq(&run->arena, mark_pos(&l, ev.start_mark));
			failed = push_frame(&l, n, ev.data.sequence_start.anchor);
			break;
		case YAML_MAPPING_START_EVENT:
			n = node_new_map(&run->arena, mark_pos(&l, ev.start_mark));
			failed = push_frame(&l, n, ev.data.mapping_start.anchor);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: {
			struct frame *f = &l.stack[l.depth - 1];
			if (f->nmerges)
				failed = apply_merges(&l, f);
			if (failed)
				frame_abandon(&l, f);
			else
				frame_close(&l, f);
			n = f->node;
			if (f->anchor) {
				/* close the open anchor: the newest open one with this name */
				for (size_t i = l.nanchors; i-- > 0;)
					if (!l.anchors[i].node && !strcmp(l.anchors[i].name, f->anchor)) {
						l.anchors[i].node = n;
						break;
					}
			}
			free_frame(f);
			l.depth--;
			if (n->kind == NODE_SEQ)
				path_steps_pop(&l.path, l.path.n - 1);
			if (!failed)
				failed = attach(&l, n, 0, NODE_KEY_NONSTR);
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (failed)
			goto out;
	}
	(void)in_doc;
	if (l.root && l.nonstr_key)
		l.root->flags |= NODE_NONSTR_KEYS;
	*out = l.root;
	ret = l.had_error ? -1 : 0;
out:
	while (l.depth) {
		frame_abandon(&l, &l.stack[l.depth - 1]);
		free_frame(&l.stack[--l.depth]);
	}
	free(l.stack);
	free(l.items);
	free(l.ents);
	for (size_t i = 0; i < l.nanchors; i++)
		free(l.anchors[i].name);
	free(l.anchors);
	free(l.texts);
	path_steps_release(&l.path);
	yaml_parser_delete(&parser);
	return ret;
}
