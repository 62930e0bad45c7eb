/* The .env parser (compose-go's dotenv format). */
#include "compose/dotenv.h"
#include "compose/vars.h"
#include "base/arena.h"
#include "base/diag.h"
#include "base/path.h"
#include "compose/interp.h"
#include "compose/load.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ==== UTF-8 and Go's character classes ==== */

#define RUNE_ERROR 0xFFFDu

/* Decode one UTF-8 character at s (n > 0 bytes); invalid input gives RUNE_ERROR, 1 byte. */
static uint32_t decode(const char *s, size_t n, size_t *len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c = u[0];
	size_t need = c < 0x80 ? 0 : c >= 0xF0 && c < 0xF5 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : 9;
	*len = 1;
	if (!need)
		return c;
	if (need > 3 || need >= n)
		return RUNE_ERROR;
	uint32_t r = c & (0x3Fu >> need);
	for (size_t i = 1; i <= need; i++) {
		if ((u[i] & 0xC0) != 0x80)
			return RUNE_ERROR;
		r = r << 6 | (u[i] & 0x3F);
	}
	static const uint32_t min[] = { 0, 0x80, 0x800, 0x10000 };
	if (r < min[need] || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
		return RUNE_ERROR;
	*len = need + 1;
	return r;
}

/* The parser's isSpace: blanks that are not line breaks. */
static int is_blank(uint32_t r)
{
	return r == '\t' || r == '\v' || r == '\f' || r == '\r' || r == ' ' || r == 0x85 ||
	       r == 0xA0;
}

/* Go's unicode.IsSpace. */
static int is_space(uint32_t r)
{
	return is_blank(r) || r == '\n' || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) ||
	       r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000;
}

/* unicode.IsLetter || unicode.IsNumber: exact up to U+00FF, any character above. */
static int is_alnum_rune(uint32_t r)
{
	if (r < 0x80)
		return (r >= '0' && r <= '9') || ((r | 0x20) >= 'a' && (r | 0x20) <= 'z');
	if (r <= 0xFF)
		return r == 0xAA || r == 0xB5 || r == 0xBA || r == 0xB2 || r == 0xB3 ||
		       r == 0xB9 || (r >= 0xBC && r <= 0xBE) || (r >= 0xC0 && r != 0xD7 && r != 0xF7);
	return r != RUNE_ERROR && !is_space(r);
}

/* ==== the parser ==== */

struct parser {
	struct env *env;
	struct run *run;
	uint32_t src;
	const struct source *source;
	const char *s;
	size_t n;
	int failed;
	/* the last position computed, at offset last_off (0: none) */
	size_t last_line, last_col, last_off;
};

/* Offsets come mostly in order: count columns on from the last one on the same line. */
static struct pos pos_at(struct parser *p, size_t off)
{
	const struct source *so = p->source;
	size_t lo = 0, hi = so->nlines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (so->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	size_t from = so->lines[lo];
	size_t col = 1;
	if (p->last_line == lo + 1 && p->last_off <= off && p->last_off >= from) {
		col = p->last_col;
		from = p->last_off;
	}
	for (size_t i = from; i < off; i++)
		if (((unsigned char)p->s[i] & 0xC0) != 0x80)
			col++;
	struct pos pos = pos_make(p->src, lo + 1, col);
	p->last_line = lo + 1;
	p->last_col = col;
	p->last_off = off;
	return pos;
}

static size_t skip_while(const struct parser *p, size_t i, int (*pred)(uint32_t))
{
	while (i < p->n) {
		size_t len;
		if (!pred(decode(p->s + i, p->n - i, &len)))
			break;
		i += len;
	}
	return i;
}

static size_t line_end(const struct parser *p, size_t i)
{
	const char *nl = memchr(p->s + i, '\n', p->n - i);
	return nl ? (size_t)(nl - p->s) : p->n;
}

/* Trim Go-unicode spaces from the right of s[from..to). */
static size_t rtrim(const struct parser *p, size_t from, size_t to)
{
	size_t end = from;
	for (size_t i = from; i < to;) {
		size_t len;
		uint32_t r = decode(p->s + i, to - i, &len);
		i += len;
		if (!is_space(r))
			end = i;
	}
	return end;
}

/* Skip blank lines, leading spaces and comment lines; the next statement's offset or n. */
static size_t statement_start(const struct parser *p, size_t i)
{
	for (;;) {
		i = skip_while(p, i, is_space);
		if (i >= p->n || p->s[i] != '#')
			return i;
		i = line_end(p, i);
	}
}

__attribute__((format(printf, 3, 4)))
static void bad_line(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *msg = arena_vfmt(&p->run->arena, fmt, ap);
	va_end(ap);
	p->failed = 1;
	diag_add(&p->run->diag, DIAG_ERROR, "dotenv.syntax", pos_at(p, off), NULL, "%s", msg);
}

/* `export` followed by whitespace (Go's \s: ASCII \t \n \f \r space) is dropped. */
static size_t skip_export(const struct parser *p, size_t i)
{
	if (p->n - i > 6 && !memcmp(p->s + i, "export", 6) && strchr("\t\n\f\r ", p->s[i + 6]) &&
	    p->s[i + 6])
		return skip_while(p, i + 6, is_blank);
	return i;
}

struct stmt {
	size_t key, key_end; /* the name: s[key..key_end) */
	struct pos keypos;
	size_t next;         /* where the value (or the next statement) starts */
	int inherited;       /* bare KEY: no value */
};

/*
 * Read a name up to '=', ':' or a newline. -1 (reported) on a bad name, with
 * st->next where parsing resumes.
 */
static int read_key(struct parser *p, size_t i, struct stmt *st)
{
	st->key = i = skip_export(p, i);
	while (i < p->n) {
		size_t len;
		uint32_t r = decode(p->s + i, p->n - i, &len);
		if (r == '=' || r == ':' || r == '\n')
			break;
		if (!is_blank(r) && !(r && r < 0x80 && strchr("_.-[]", (int)r)) &&
		    !is_alnum_rune(r)) {
			char ch[8];
			memcpy(ch, p->s + i, len);
			ch[len] = '\0';
			size_t end = line_end(p, st->key);
			bad_line(p, i, "unexpected character %s in variable name %s",
				 diag_repr(&p->run->diag, ch, len),
				 diag_repr(&p->run->diag, p->s + st->key, end - st->key));
			st->next = end;
			return -1;
		}
		i += len;
	}
	/* compose-go gives a bare key at the very end the empty name; we keep it a bare key */
	st->inherited = i >= p->n || p->s[i] == '\n';
	st->key_end = rtrim(p, st->key, i);
	st->next = i < p->n ? i + 1 : i;
	if (!st->inherited)
		st->next = skip_while(p, st->next, is_blank);
	if (memchr(p->s + st->key, ' ', st->key_end - st->key)) {
		bad_line(p, st->key, "variable name %s cannot contain a space",
			 diag_repr(&p->run->diag, p->s + st->key, st->key_end - st->key));
		if (!st->inherited)
			st->next = line_end(p, st->next);
		return -1;
	}
	return 0;
}

/* Define a variable from this file: the process environment keeps precedence. */
static void define(struct parser *p, const struct stmt *st, const char *v, size_t vlen)
{
	size_t klen = st->key_end - st->key;
	const struct env_var *e = env_findn(p->env, p->s + st->key, klen);
	if (!klen || (e && !e->origin.src))
		return;
	env_setn(p->env, p->s + st->key, klen, v, vlen, st->keypos);
}

static const char *key_path(struct parser *p, const struct stmt *st)
{
	struct sbuf sb = SBUF_INIT;
	char *k = xstrndup(p->s + st->key, st->key_end - st->key);
	path_push_key(&sb, k);
	const char *r = arena_strndup(&p->run->arena, sb.buf, sb.len);
	free(k);
	sbuf_release(&sb);
	return r;
}

/* Interpolate a value (compose grammar) and define it; errors are reported there. */
static void define_expanded(struct parser *p, const struct stmt *st, size_t at, unsigned flags,
			    const char *v, size_t vlen)
{
	struct interp_opts opts = { INTERP_SPEC, p->env, 0, 0 };
	const char *out;
	size_t outlen;
	if (st->key_end == st->key)
		return;
	if (interp_string(p->run, &opts, pos_at(p, at), flags, key_path(p, st), v, vlen, &out,
			  &outlen)) {
		p->failed = 1;
		return;
	}
	define(p, st, out, outlen);
}

/* The value of a double-quoted string: \a \b \f \n \r \t \v \\ \" \$ and \0NNN. */
static void unescape(struct sbuf *out, const char *s, size_t n)
{
	static const char from[] = "abfnrtv\"\\", to[] = "\a\b\f\n\r\t\v\"\\";
	for (size_t i = 0; i < n; i++) {
		const char *m = i + 1 < n && s[i] == '\\' && s[i + 1] ? strchr(from, s[i + 1]) : NULL;
		if (m) {
			sb_putc(out, to[m - from]);
			i++;
		} else if (i + 1 < n && s[i] == '\\' && s[i + 1] == '$') {
			sb_puts(out, "$$"); /* a literal $ for the interpolation that follows */
			i++;
		} else if (i + 1 < n && s[i] == '\\' && s[i + 1] == '0') {
			/* \0 + up to 3 digits; Go reads "\NNN" (exactly 3 octal digits, <= 255) */
			size_t j = i + 2, v = 0;
			int octal = 1;
			while (j < n && j < i + 5 && s[j] >= '0' && s[j] <= '9') {
				octal &= s[j] <= '7';
				v = v * 8 + (size_t)(s[j] - '0');
				j++;
			}
			if (j == i + 5 && octal && v <= 255) {
				/* Go turns the byte value into a rune: UTF-8 above 0x7F */
				if (v < 0x80) {
					sb_putc(out, (int)v);
				} else {
					sb_putc(out, (int)(0xC0 | v >> 6));
					sb_putc(out, (int)(0x80 | (v & 0x3F)));
				}
			} else {
				sb_putc(out, '\\');
				sb_put(out, s + i + 2, j - (i + 2));
			}
			i = j - 1;
		} else {
			sb_putc(out, s[i]);
		}
	}
}

static size_t quoted_value(struct parser *p, const struct stmt *st)
{
	size_t q = st->next;
	char quote = p->s[q];
	struct sbuf raw = SBUF_INIT;
	int esc = 0;
	size_t i;
	/* a backslash escapes the quote (dropped) and nothing else (kept) */
	for (i = q + 1; i < p->n; i++) {
		char c = p->s[i];
		if (c == quote && !esc)
			break;
		if (c == '\\' && !esc) {
			esc = 1;
			continue;
		}
		if (esc && c != quote)
			sb_putc(&raw, '\\');
		esc = 0;
		sb_putc(&raw, c);
	}
	if (i >= p->n) {
		bad_line(p, q, "unterminated quoted value %s",
			 diag_repr(&p->run->diag, p->s + q, line_end(p, q) - q));
		sbuf_release(&raw);
		return p->n;
	}
	if (quote == '\'') {
		define(p, st, raw.buf, raw.len);
	} else {
		struct sbuf val = SBUF_INIT;
		unescape(&val, raw.buf, raw.len);
		/* columns are exact only when the value is the source text itself */
		unsigned flags = (val.len == i - q - 1 && !memcmp(val.buf, p->s + q + 1, val.len) &&
				  !memchr(val.buf, '\n', val.len))
					 ? INTERP_F_VERBATIM
					 : 0;
		define_expanded(p, st, q + 1, flags, val.buf, val.len);
		sbuf_release(&val);
	}
	sbuf_release(&raw);
	return i + 1;
}

static size_t unquoted_value(struct parser *p, const struct stmt *st)
{
	size_t v = st->next, eol = line_end(p, v), end = eol;
	const char *hash = memmem(p->s + v, eol - v, " #", 2);
	if (hash)
		end = (size_t)(hash - p->s);
	end = rtrim(p, v, end);
	define_expanded(p, st, v, INTERP_F_VERBATIM, p->s + v, end - v);
	return eol < p->n ? eol + 1 : eol;
}

/* One statement at i; returns where the next one may start. */
static size_t statement(struct parser *p, size_t i)
{
	struct stmt st = { 0 };
	if (read_key(p, i, &st))
		return st.next; /* go on with the next line */
	st.keypos = pos_at(p, st.key);
	if (st.inherited) {
		const struct env_var *e = env_findn(p->env, p->s + st.key, st.key_end - st.key);
		if (e && st.key_end > st.key)
			define(p, &st, e->value, strlen(e->value));
		return st.next;
	}
	if (st.key_end == st.key)
		diag_add(&p->run->diag, DIAG_WARNING, "dotenv.empty-name", st.keypos, NULL,
			 "line has no variable name; ignored");
	if (st.next < p->n && (p->s[st.next] == '"' || p->s[st.next] == '\''))
		return quoted_value(p, &st);
	return unquoted_value(p, &st);
}

int dotenv_parse(struct env *env, struct run *run, uint32_t src)
{
	const struct source *so = source_get_lines(&run->sources, src);
	if (!so)
		BUG("dotenv_parse: no source %u", (unsigned)src);
	struct parser p = { env, run, src, so, so->text, so->len, 0, 0, 0, 0 };
	size_t i = 0;
	if (p.n >= 3 && !memcmp(p.s, "\xEF\xBB\xBF", 3))
		i = 3;
	while ((i = statement_start(&p, i)) < p.n)
		i = statement(&p, i);
	return p.failed ? -1 : 0;
}

/* ==== files ==== */

/* path made absolute against the cwd (no symlink resolution), heap-allocated. */
static char *absolute(const char *path)
{
	if (path[0] == '/')
		return xstrdup(path);
	char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return xstrdup(path);
	char *r = xstrfmt("%s/%s", cwd, path);
	free(cwd);
	return r;
}

int dotenv_load(struct env *env, struct run *run, const char *path, int required)
{
	char *abs = absolute(path);
	struct stat st;
	uint32_t src;
	int ret = 0;
	if (stat(abs, &st)) {
		if (required || errno != ENOENT)
			ret = diag_add(&run->diag, DIAG_ERROR, "dotenv.file", POS_NONE, NULL,
				       "cannot read env file %s: %s",
				       diag_repr_all(&run->diag, abs, strlen(abs)), strerror(errno));
	} else if (S_ISDIR(st.st_mode)) {
		if (required)
			ret = diag_add(&run->diag, DIAG_ERROR, "dotenv.file", POS_NONE, NULL,
				       "env file %s is a directory",
				       diag_repr_all(&run->diag, abs, strlen(abs)));
	} else if (load_read_file(&src, run, path, abs)) {
		ret = -1;
	} else {
		ret = dotenv_parse(env, run, src);
	}
	free(abs);
	return ret;
}

/* Go's strconv.ParseBool; -1 when s is none of its spellings. */
static int parse_go_bool(const char *s)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i]))
			return 1;
		if (!strcmp(s, no[i]))
			return 0;
	}
	return -1;
}

/* COMPOSE_ENV_FILES: comma-separated, each required. */
static int load_listed(struct env *env, struct run *run, const char *list)
{
	int ret = 0;
	while (*list) {
		size_t len = strcspn(list, ",");
		if (len) {
			char *path = xstrndup(list, len);
			ret |= dotenv_load(env, run, path, 1);
			free(path);
		}
		list += len + (list[len] == ',');
	}
	return ret ? -1 : 0;
}

static int load_dot_env(struct env *env, struct run *run, const char *project_dir)
{
	const char *off = env_get(env, "COMPOSE_DISABLE_ENV_FILE");
	if (off) {
		int b = parse_go_bool(off);
		if (b < 0)
			return diag_add(&run->diag, DIAG_ERROR, "dotenv.file", POS_NONE, NULL,
					"COMPOSE_DISABLE_ENV_FILE must be a boolean, got %s",
					diag_repr(&run->diag, off, strlen(off)));
		if (b)
			return 0;
	}
	char *path = project_dir ? xstrfmt("%s/.env", project_dir) : xstrdup(".env");
	int ret = dotenv_load(env, run, path, 0);
	free(path);
	return ret;
}

int env_load_project(struct env *env, struct run *run, char **envp, const char *project_dir,
		     const char *const *env_files, size_t n, int compat_docker)
{
	env_load_process(env, envp);
	if (compat_docker) {
		if (n)
			diag_add(&run->diag, DIAG_WARNING, "dotenv.compat", POS_NONE, NULL,
				 "--env-file is ignored with --compat=docker: docker stack deploy "
				 "reads only the process environment");
		return 0;
	}
	if (n) {
		int ret = 0;
		for (size_t i = 0; i < n; i++)
			ret |= dotenv_load(env, run, env_files[i], 1);
		return ret ? -1 : 0;
	}
	const char *listed = env_get(env, "COMPOSE_ENV_FILES");
	if (listed && *listed)
		return load_listed(env, run, listed);
	return load_dot_env(env, run, project_dir);
}
