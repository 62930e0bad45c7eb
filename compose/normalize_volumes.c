/*
 * Normalization of service volumes: the short syntax ("./src:/dst:ro")
 * parsed as docker's ParseVolume does, bind sources made absolute and `~`
 * expanded (resolveVolumePaths), and the paths helper the others share.
 * See normalize_internal.h.
 */
#include "compose/normalize_internal.h"
#include "base/arena.h"
#include "base/node.h"
#include "base/xalloc.h"
#include "compose/gocompat.h"

#include <string.h>

static int ascii_letter(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static size_t utf8_len(unsigned char ch)
{
	return ch < 0xc0 ? 1 : ch < 0xe0 ? 2 : ch < 0xf0 ? 3 : 4;
}

/* Go's filepath.Clean for '/' paths. */
static char *go_clean(struct arena *a, const char *p)
{
	return go_filepath_clean(arena_alloc(a, GO_CLEAN_ROOM(strlen(p))), p);
}

/* docker's absPath: absolute paths unchanged, others joined to workdir and cleaned. */
const char *norm_abs_path(struct nctx *c, const char *p)
{
	if (p[0] == '/')
		return p;
	if (!*p)
		return go_clean(c->a, c->o->workdir);
	return go_clean(c->a, arena_fmt(c->a, "%s/%s", c->o->workdir, p));
}

static int is_slash(char ch)
{
	return ch == '/' || ch == '\\';
}

/* Windows absolute path (drive letter or UNC share), as docker's isAbs. */
static int windows_abs(const char *p)
{
	size_t l = strlen(p), vl = 0;
	if (l >= 2 && p[1] == ':' && ascii_letter((unsigned char)p[0])) {
		vl = 2;
	} else if (l >= 5 && is_slash(p[0]) && is_slash(p[1]) && !is_slash(p[2]) && p[2] != '.') {
		for (size_t i = 3; i < l - 1; i++) {
			if (!is_slash(p[i]))
				continue;
			i++;
			if (!is_slash(p[i]) && p[i] != '.') {
				for (; i < l && !is_slash(p[i]); i++)
					;
				vl = i;
			}
			break;
		}
	}
	return vl && p[vl] && is_slash(p[vl]);
}

static int is_file_path(const char *src)
{
	if (strchr(".~/", src[0]))
		return 1;
	size_t fl = utf8_len((unsigned char)src[0]);
	if (strlen(src) <= fl)
		return 0;
	if (src[0] == '\\' && src[1] == '\\')
		return 1;
	return fl == 1 && ascii_letter((unsigned char)src[0]) && src[1] == ':';
}

static int propagation(const char *o)
{
	static const char *const names[] = { "rprivate", "private", "rshared", "shared",
					      "rslave", "slave" };
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(o, names[i]))
			return 1;
	return 0;
}

static struct node *parse_volume(struct nctx *c, struct node *it)
{
	const char *spec = it->s.text;
	size_t len = it->len;
	struct pos pos = it->pos;
	struct node *out = node_new_map(c->a, pos);
	if (!len)
		return norm_fail(c, pos, "normalize.volume", "invalid empty volume spec");
	if (len <= 2) {
		node_map_add_key(c->a, out, "type", pos, norm_str_ref(c, pos, "volume"));
		node_map_add_key(c->a, out, "target", pos, it);
		return out;
	}
	char *src = NULL, *tgt = NULL, *prop = NULL;
	int ro = 0, nocopy = 0;
	size_t start = 0, runes = 0;
	for (size_t i = 0; i <= len;) {
		int end = i == len;
		if (!end && spec[i] == ':' && runes == 1 && ascii_letter((unsigned char)spec[start])) {
			i++;
			runes++;
			continue;
		}
		if (!end && spec[i] != ':') {
			i += utf8_len((unsigned char)spec[i]);
			runes++;
			continue;
		}
		const char *err = NULL;
		char *buf = arena_strndup(c->a, spec + start, i - start);
		if (!*buf)
			err = "empty section between colons";
		else if (!src && end)
			tgt = buf;
		else if (!src)
			src = buf;
		else if (!tgt)
			tgt = buf;
		else if (!end)
			err = "too many colons";
		else
			for (char *o = strtok(buf, ","); o; o = strtok(NULL, ","))
				if (!strcmp(o, "ro"))
					ro = 1;
				else if (!strcmp(o, "rw"))
					ro = 0;
				else if (!strcmp(o, "nocopy"))
					nocopy = 1;
				else if (propagation(o))
					prop = o;
		if (err)
			return norm_fail(c, pos, "normalize.volume", "invalid volume %s: %s", norm_repr(c, spec), err);
		i++;
		start = i;
		runes = 0;
	}
	const char *type = src && is_file_path(src) ? "bind" : "volume";
	node_map_add_key(c->a, out, "type", pos, norm_str_ref(c, pos, type));
	if (src)
		node_map_add_key(c->a, out, "source", pos, norm_str_ref(c, pos, src));
	if (tgt)
		node_map_add_key(c->a, out, "target", pos, norm_str_ref(c, pos, tgt));
	if (ro)
		node_map_add_key(c->a, out, "read_only", pos, node_new_bool(c->a, pos, 1));
	if (prop) {
		struct node *b = node_new_map(c->a, pos);
		node_map_add_key(c->a, b, "propagation", pos, norm_str_ref(c, pos, prop));
		node_map_add_key(c->a, out, "bind", pos, b);
	}
	if (nocopy) {
		struct node *v = node_new_map(c->a, pos);
		node_map_add_key(c->a, v, "nocopy", pos, node_new_bool(c->a, pos, 1));
		node_map_add_key(c->a, out, "volume", pos, v);
	}
	return out;
}

/* A bind source: `~` expanded with HOME, relative paths made absolute. */
static void resolve_bind(struct nctx *c, struct node *vol, struct pos pos)
{
	struct node *type = node_map_get(vol, "type");
	if (!type || strcmp(type->s.text, "bind"))
		return;
	struct node_entry *se = node_map_find(vol, "source");
	if (!se) {
		norm_fail(c, pos, "normalize.volume", "a bind mount needs a source (the host path)");
		return;
	}
	const char *src = se->val->s.text;
	if (src[0] == '~') {
		if (c->o->home)
			src = arena_fmt(c->a, "%s%s", c->o->home, src + 1);
		else
			norm_warn(c, se->val->pos, "normalize.home",
				  "cannot expand '~', because the environment lacks HOME");
	}
	if (src[0] != '/' && !windows_abs(src))
		src = norm_abs_path(c, src);
	if (src != se->val->s.text)
		se->val = norm_str_ref(c, se->val->pos, src);
}

struct node *norm_decode_volumes(struct nctx *c, struct node *n, const struct model_struct *st)
{
	if (n->kind != NODE_SEQ)
		return norm_type_error(c, n, "a list");
	size_t w = 0;
	for (size_t i = 0; i < n->seq.n; i++) {
		struct node *it = n->seq.v[i], *v;
		struct pos pos = it->pos;
		size_t mark = path_steps_index(&c->steps, i);
		if (it->kind == NODE_STR)
			v = parse_volume(c, it);
		else
			v = norm_decode_struct(c, it, st, 1);
		if (v) {
			resolve_bind(c, v, pos);
			n->seq.v[w++] = v;
		}
		path_steps_pop(&c->steps, mark);
	}
	n->seq.n = w;
	return w ? n : NULL;
}
