/*
 * The YAML printer: a small port of the parts of yaml.v3 that docker's
 * `stack config` output goes through — the encoder's choice of scalar style
 * (encode.go stringv; whether plain text reads back as itself is
 * compose/gocompat.h's goyaml_plain_keeps_string) and the emitter's
 * block-style layout and scalar writers (emitterc.go), with indent 2 and
 * unlimited line width.
 * The emitter state (indent, column, whitespace, indention) is kept exactly
 * as yaml.v3 keeps it, so odd strings lay out the same way.
 */
#include "emit/yaml.h"
#include "base/crypto.h"
#include "base/utf8.h"
#include "emit/shape.h"
#include "base/node.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/gocompat.h"
#include "compose/ytime.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BEST_INDENT 2
#define MAX_SIMPLE_KEY 128 /* longer keys are written as `? key` */

/* ==== UTF-8 ==== */

static int utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t w = utf8_decode((const unsigned char *)s + i, n - i, NULL);
		if (!w)
			return 0;
		i += w;
	}
	return 1;
}

/* ==== the emitter (emitterc.go, block context only) ==== */

enum style { STYLE_PLAIN, STYLE_SINGLE, STYLE_DOUBLE, STYLE_LITERAL };

/* where a node is written; decides indentation and key rules */
enum ctx {
	CTX_ROOT,
	CTX_SEQ_ITEM,
	CTX_MAP_VALUE,
	CTX_SIMPLE_KEY,
	CTX_COMPLEX_KEY, /* after `? ` */
};

struct scalar {
	const unsigned char *v;
	size_t n;
	const char *tag; /* "binary" for !!binary, else NULL */
	enum style style;
	char *owned;     /* base64 text to free */
	/* analysis */
	int multiline, block_plain_allowed, single_quoted_allowed, block_allowed;
};

/* A mapping key: its text, length and simple_style() (-1: not simple text). */
struct key {
	const char *s;
	size_t n;
	int style;
};

#define BUF_SIZE 65536 /* text goes out to the sbuf or file this much at a time */

struct emitter {
	struct sbuf *sb; /* the text goes to sb, or to file */
	FILE *file;
	int fd; /* file's descriptor, or -1 to write through file */
	int write_errno;
	char *buf;
	size_t len;
	int indent; /* -1 before the root node */
	int column;
	int whitespace; /* the last character written was white space */
	int indention;  /* only indentation on this line so far */
};

static void sink(struct emitter *e, const void *p, size_t n)
{
	if (!e->file) {
		sb_put(e->sb, p, n);
		return;
	}
	if (e->fd < 0) {
		if (!e->write_errno && n && fwrite(p, 1, n, e->file) != n)
			e->write_errno = errno ? errno : EIO;
		return;
	}
	/* straight to the descriptor: stdio would split each block in two writes */
	while (n && !e->write_errno) {
		ssize_t w = write(e->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			e->write_errno = w < 0 ? errno : EIO;
			break;
		}
		p = (const char *)p + w;
		n -= (size_t)w;
	}
}

static void flush(struct emitter *e)
{
	sink(e, e->buf, e->len);
	e->len = 0;
}

/* out_bytes() when the buffer is full */
static void out_slow(struct emitter *e, const void *p, size_t n)
{
	flush(e);
	if (n >= BUF_SIZE) {
		sink(e, p, n);
		return;
	}
	memcpy(e->buf, p, n);
	e->len = n;
}

static inline void out_bytes(struct emitter *e, const void *p, size_t n)
{
	if (n > BUF_SIZE - e->len) {
		out_slow(e, p, n);
		return;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

static inline void put(struct emitter *e, char c)
{
	if (e->len == BUF_SIZE)
		flush(e);
	e->buf[e->len++] = c;
	e->column++;
}

static void put_break(struct emitter *e)
{
	put(e, '\n');
	e->column = 0;
	e->indention = 1;
}

static size_t width(unsigned char c)
{
	if ((c & 0x80) == 0x00)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 0;
}

/* The is_* tests read ahead only inside a valid UTF-8 sequence. */
static int is_printable(const unsigned char *b, size_t i)
{
	return b[i] == 0x0A || (b[i] >= 0x20 && b[i] <= 0x7E) ||
	       (b[i] == 0xC2 && b[i + 1] >= 0xA0) || (b[i] > 0xC2 && b[i] < 0xED) ||
	       (b[i] == 0xED && b[i + 1] < 0xA0) || b[i] == 0xEE ||
	       (b[i] == 0xEF && !(b[i + 1] == 0xBB && b[i + 2] == 0xBF) &&
		!(b[i + 1] == 0xBF && (b[i + 2] == 0xBE || b[i + 2] == 0xBF)));
}

static int is_break(const unsigned char *b, size_t i)
{
	return b[i] == '\r' || b[i] == '\n' || (b[i] == 0xC2 && b[i + 1] == 0x85) ||
	       (b[i] == 0xE2 && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9));
}

static int is_blank(const unsigned char *b, size_t i)
{
	return b[i] == ' ' || b[i] == '\t';
}

static int is_blankz(const unsigned char *b, size_t i, size_t n)
{
	return i >= n || is_blank(b, i) || is_break(b, i) || b[i] == 0;
}

/* yaml.v3's is_bom looks at the start of the value whatever i is: a value
 * that starts with a BOM has every character escaped. */
static int is_bom(const unsigned char *b, size_t n)
{
	return n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF;
}

/* yaml_emitter_analyze_scalar (flow details dropped: no flow context here) */
static void analyze(struct scalar *sc)
{
	const unsigned char *v = sc->v;
	size_t n = sc->n;
	int block_ind = 0, line_breaks = 0, special = 0, tabs = 0;
	int leading_space = 0, leading_break = 0, trailing_space = 0, trailing_break = 0;
	int break_space = 0, space_break = 0, prev_space = 0, prev_break = 0;
	int preceded_by_ws = 1;

	if (!n) {
		sc->multiline = 0;
		sc->block_plain_allowed = 1;
		sc->single_quoted_allowed = 1;
		sc->block_allowed = 0;
		return;
	}
	if (n >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') ||
		       (v[0] == '.' && v[1] == '.' && v[2] == '.')))
		block_ind = 1;
	for (size_t i = 0, w; i < n; i += w) {
		w = width(v[i]);
		if (!w)
			w = 1;
		int followed_by_ws = i + w >= n || is_blank(v, i + w);
		if (i == 0) {
			switch (v[i]) {
			case '#': case ',': case '[': case ']': case '{': case '}': case '&':
			case '*': case '!': case '|': case '>': case '\'': case '"': case '%':
			case '@': case '`':
				block_ind = 1;
				break;
			case '?': case ':': case '-':
				if (followed_by_ws)
					block_ind = 1;
				break;
			}
		} else if ((v[i] == ':' && followed_by_ws) || (v[i] == '#' && preceded_by_ws)) {
			block_ind = 1;
		}
		if (v[i] == '\t')
			tabs = 1;
		else if (!is_printable(v, i))
			special = 1;
		int space = v[i] == ' ', brk = !space && is_break(v, i);
		if (i == 0) {
			leading_space |= space;
			leading_break |= brk;
		}
		if (i + w == n) {
			trailing_space |= space;
			trailing_break |= brk;
		}
		break_space |= space && prev_break;
		space_break |= brk && prev_space;
		line_breaks |= brk;
		prev_space = space;
		prev_break = brk;
		preceded_by_ws = is_blankz(v, i, n);
	}
	sc->multiline = line_breaks;
	sc->block_plain_allowed = 1;
	sc->single_quoted_allowed = 1;
	sc->block_allowed = 1;
	if (leading_space || leading_break || trailing_space || trailing_break)
		sc->block_plain_allowed = 0;
	if (trailing_space)
		sc->block_allowed = 0;
	if (break_space)
		sc->block_plain_allowed = sc->single_quoted_allowed = 0;
	if (space_break || tabs || special)
		sc->block_plain_allowed = sc->single_quoted_allowed = 0;
	if (space_break || special)
		sc->block_allowed = 0;
	if (line_breaks || block_ind)
		sc->block_plain_allowed = 0;
}

/* byte classes for simple_style() */
#define B_OTHER 0x01u /* not printable ASCII */
#define B_CHECK 0x02u /* ':' or '#': an indicator depending on its neighbours */
#define B_IND   0x04u /* an indicator when first */
#define B_INDWS 0x08u /* an indicator when first and alone or before a space */
#define B_HINT  0x10u /* first, it may make the text read back as a non-string */

static unsigned char byte_class[256];

static void byte_class_init(void)
{
	if (byte_class[0])
		return;
	for (unsigned c = 0; c < 256; c++)
		byte_class[c] = c < 0x20 || c > 0x7E ? B_OTHER : 0;
	for (const char *p = "#,[]{}&*!|>'\"%@`"; *p; p++)
		byte_class[(unsigned char)*p] |= B_IND;
	for (const char *p = "?:-"; *p; p++)
		byte_class[(unsigned char)*p] |= B_INDWS;
	for (const char *p = "+-0123456789.yYnNtTfFoO~"; *p; p++)
		byte_class[(unsigned char)*p] |= B_HINT;
	byte_class[':'] |= B_CHECK;
	byte_class['#'] |= B_CHECK;
}

/*
 * The style yaml.v3 ends up writing non-empty printable ASCII text in —
 * what stringv, analyze() and emit_scalar() decide, in one pass — or -1 for
 * other text, which takes the general way.
 */
static int simple_style(const char *s, size_t n)
{
	const unsigned char *v = (const unsigned char *)s;
	int block_ind = 0;
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned c = byte_class[v[i]];
		if (!(c & (B_OTHER | B_CHECK)))
			continue;
		if (c & B_OTHER)
			return -1;
		if (v[i] == ':')
			block_ind |= i && (i + 1 == n || v[i + 1] == ' ');
		else
			block_ind |= i && v[i - 1] == ' ';
	}
	unsigned first = byte_class[v[0]];
	if (!(first & (B_IND | B_INDWS | B_HINT)) && v[0] != ' ')
		return block_ind || v[n - 1] == ' ' ? STYLE_SINGLE : STYLE_PLAIN;
	if ((first & B_IND) || ((first & B_INDWS) && (n == 1 || v[1] == ' ')))
		block_ind = 1;
	if (n >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') ||
		       (v[0] == '.' && v[1] == '.' && v[2] == '.')))
		block_ind = 1;
	if ((first & B_HINT) && !goyaml_plain_keeps_string(s, n))
		return STYLE_DOUBLE;
	if (block_ind || v[0] == ' ' || v[n - 1] == ' ')
		return STYLE_SINGLE;
	return STYLE_PLAIN;
}

/*
 * encodeBase64: 70-character lines, each ended by \n when there are
 * several. (libcrypto is opened here at first use: invalid UTF-8 is rare.)
 */
static char *base64_lines(const unsigned char *s, size_t n, size_t *outlen)
{
	enum { LINE = 70 };
	char *in = xmalloc(CRYPTO_BASE64_LEN(n));
	size_t enc = crypto_base64(in, s, n), lines = enc / LINE + 1, k = 0;
	char *out = xmalloc(enc + lines + 1);
	for (size_t i = 0; i < enc; i += LINE) {
		size_t j = i + LINE < enc ? i + LINE : enc;
		memcpy(out + k, in + i, j - i);
		k += j - i;
		if (lines > 1)
			out[k++] = '\n';
	}
	out[k] = '\0';
	free(in);
	*outlen = k;
	return out;
}

/* encode.go stringv: the style the encoder asks for */
static void scalar_from_string(struct scalar *sc, const char *s, size_t n)
{
	*sc = (struct scalar){ .v = (const unsigned char *)s, .n = n };
	int plain_ok = 1;
	if (!utf8_valid(s, n)) {
		sc->tag = "binary";
		sc->owned = base64_lines((const unsigned char *)s, n, &n);
		s = sc->owned;
		sc->v = (const unsigned char *)s;
		sc->n = n;
	} else {
		plain_ok = goyaml_plain_keeps_string(s, n);
	}
	if (memchr(s, '\n', n))
		sc->style = STYLE_LITERAL;
	else
		sc->style = plain_ok ? STYLE_PLAIN : STYLE_DOUBLE;
	analyze(sc);
}

/* copy one character */
static void write_char(struct emitter *e, const unsigned char *v, size_t *i)
{
	size_t w = width(v[*i]);
	if (!w)
		BUG("invalid UTF-8 reached the YAML writer");
	out_bytes(e, v + *i, w);
	e->column++;
	*i += w;
}

static void write_break(struct emitter *e, const unsigned char *v, size_t *i)
{
	if (v[*i] == '\n') {
		put_break(e);
		(*i)++;
	} else {
		write_char(e, v, i);
		e->column = 0;
		e->indention = 1;
	}
}

/* n bytes of printable ASCII */
static void put_ascii(struct emitter *e, const void *s, size_t n)
{
	out_bytes(e, s, n);
	e->column += (int)n;
}

/* yaml_emitter_write_indent: a line break unless the line holds only the indentation so far */
static void write_indent(struct emitter *e)
{
	static const char spaces[] = "                                ";
	int indent = e->indent < 0 ? 0 : e->indent;
	if (!e->indention || e->column > indent || (e->column == indent && !e->whitespace))
		put_break(e);
	while (e->column < indent) {
		size_t k = (size_t)(indent - e->column);
		put_ascii(e, spaces, k < sizeof(spaces) - 1 ? k : sizeof(spaces) - 1);
	}
	e->whitespace = 1;
}

/* indicators are one ASCII character */
static void write_indicator(struct emitter *e, char ind, int need_ws, int is_ws,
			    int is_indention)
{
	if (need_ws && !e->whitespace)
		put(e, ' ');
	put(e, ind);
	e->whitespace = is_ws;
	e->indention = e->indention && is_indention;
}

/* Printable ASCII with the bytes esc1 and esc2 preceded by `with` (quoting). */
static void put_escaped(struct emitter *e, const char *v, size_t n, char esc1, char esc2,
			char with)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] != esc1 && v[i] != esc2)
			continue;
		put_ascii(e, v + start, i - start);
		put(e, with);
		start = i;
	}
	put_ascii(e, v + start, n - start);
}

/* Text simple_style() took, in its style: what write_plain, write_single
 * and write_double do with it. */
static void write_simple(struct emitter *e, const char *v, size_t n, int style)
{
	if (!e->whitespace)
		put(e, ' ');
	switch (style) {
	case STYLE_PLAIN:
		put_ascii(e, v, n);
		break;
	case STYLE_SINGLE:
		put(e, '\'');
		put_escaped(e, v, n, '\'', '\'', '\'');
		put(e, '\'');
		break;
	case STYLE_DOUBLE:
		put(e, '"');
		put_escaped(e, v, n, '"', '\\', '\\');
		put(e, '"');
		break;
	default:
		BUG("style %d for simple text", style);
	}
	e->whitespace = 0;
	e->indention = 0;
}

static void increase_indent(struct emitter *e, int flow, enum ctx ctx)
{
	if (e->indent < 0)
		e->indent = flow ? BEST_INDENT : 0;
	else if (ctx == CTX_SEQ_ITEM)
		e->indent += 2; /* just past the "- " */
	else
		e->indent = BEST_INDENT * ((e->indent + BEST_INDENT) / BEST_INDENT);
}

/*
 * The text of a plain (quote 0) or single-quoted scalar (quote '\'', each
 * one doubled): what yaml.v3's write_plain_scalar and
 * write_single_quoted_scalar share, with no line folding (unlimited width).
 */
static void write_unescaped(struct emitter *e, const struct scalar *sc, char quote)
{
	const unsigned char *v = sc->v;
	int breaks = 0;
	for (size_t i = 0; i < sc->n;) {
		if (v[i] == ' ') {
			write_char(e, v, &i);
		} else if (is_break(v, i)) {
			if (!breaks && v[i] == '\n')
				put_break(e);
			write_break(e, v, &i);
			breaks = 1;
		} else {
			if (breaks)
				write_indent(e);
			if (quote && v[i] == quote)
				put(e, quote);
			write_char(e, v, &i);
			e->indention = 0;
			breaks = 0;
		}
	}
}

static void write_plain(struct emitter *e, const struct scalar *sc)
{
	if (sc->n && !e->whitespace)
		put(e, ' ');
	write_unescaped(e, sc, 0);
	if (sc->n)
		e->whitespace = 0;
	e->indention = 0;
}

static void write_single(struct emitter *e, const struct scalar *sc)
{
	write_indicator(e, '\'', 1, 0, 0);
	write_unescaped(e, sc, '\'');
	write_indicator(e, '\'', 0, 0, 0);
	e->whitespace = 0;
	e->indention = 0;
}

static void write_double(struct emitter *e, const struct scalar *sc)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *v = sc->v;
	write_indicator(e, '"', 1, 0, 0);
	for (size_t i = 0; i < sc->n;) {
		if (!is_printable(v, i) || is_bom(v, sc->n) || is_break(v, i) || v[i] == '"' ||
		    v[i] == '\\') {
			size_t w = width(v[i]);
			uint32_t r = w == 1 ? v[i] : (uint32_t)(v[i] & (0xFF >> (w + 1)));
			for (size_t k = 1; k < w; k++)
				r = (r << 6) | (v[i + k] & 0x3F);
			i += w;
			put(e, '\\');
			switch (r) {
			case 0x00: put(e, '0'); break;
			case 0x07: put(e, 'a'); break;
			case 0x08: put(e, 'b'); break;
			case 0x09: put(e, 't'); break;
			case 0x0A: put(e, 'n'); break;
			case 0x0B: put(e, 'v'); break;
			case 0x0C: put(e, 'f'); break;
			case 0x0D: put(e, 'r'); break;
			case 0x1B: put(e, 'e'); break;
			case 0x22: put(e, '"'); break;
			case 0x5C: put(e, '\\'); break;
			case 0x85: put(e, 'N'); break;
			case 0xA0: put(e, '_'); break;
			case 0x2028: put(e, 'L'); break;
			case 0x2029: put(e, 'P'); break;
			default: {
				int digits = r <= 0xFF ? 2 : r <= 0xFFFF ? 4 : 8;
				put(e, r <= 0xFF ? 'x' : r <= 0xFFFF ? 'u' : 'U');
				for (int k = (digits - 1) * 4; k >= 0; k -= 4)
					put(e, hex[(r >> k) & 0xF]);
			}
			}
		} else {
			write_char(e, v, &i);
		}
	}
	write_indicator(e, '"', 0, 0, 0);
	e->whitespace = 0;
	e->indention = 0;
}

static void write_literal(struct emitter *e, const struct scalar *sc)
{
	const unsigned char *v = sc->v;
	size_t n = sc->n;
	write_indicator(e, '|', 1, 0, 0);
	if (v[0] == ' ' || is_break(v, 0))
		write_indicator(e, '0' + BEST_INDENT, 0, 0, 0);
	/* chomping: strip without a final break, keep with two */
	char chomp = 0;
	size_t i = n - 1;
	while ((v[i] & 0xC0) == 0x80)
		i--;
	if (!is_break(v, i)) {
		chomp = '-';
	} else if (i == 0) {
		chomp = '+';
	} else {
		i--;
		while ((v[i] & 0xC0) == 0x80)
			i--;
		if (is_break(v, i))
			chomp = '+';
	}
	if (chomp)
		write_indicator(e, chomp, 0, 0, 0);
	e->whitespace = 1;
	int breaks = 1;
	for (i = 0; i < n;) {
		if (is_break(v, i)) {
			write_break(e, v, &i);
			breaks = 1;
		} else {
			if (breaks)
				write_indent(e);
			write_char(e, v, &i);
			e->indention = 0;
			breaks = 0;
		}
	}
}

/* yaml_emitter_emit_scalar with yaml_emitter_select_scalar_style */
static void emit_scalar(struct emitter *e, const struct scalar *sc, enum ctx ctx)
{
	int simple_key = ctx == CTX_SIMPLE_KEY;
	enum style style = sc->style;
	if (simple_key && sc->multiline)
		style = STYLE_DOUBLE;
	if (style == STYLE_PLAIN && (!sc->block_plain_allowed || (!sc->n && simple_key)))
		style = STYLE_SINGLE;
	if (style == STYLE_SINGLE && !sc->single_quoted_allowed)
		style = STYLE_DOUBLE;
	if (style == STYLE_LITERAL && (!sc->block_allowed || simple_key))
		style = STYLE_DOUBLE;
	if (sc->tag) {
		/* write_tag_handle("!!") + write_tag_content(suffix) */
		if (!e->whitespace)
			put(e, ' ');
		put_ascii(e, "!!", 2);
		put_ascii(e, sc->tag, strlen(sc->tag));
		e->whitespace = 0;
		e->indention = 0;
	}
	int saved = e->indent;
	increase_indent(e, 1, ctx);
	switch (style) {
	case STYLE_PLAIN: write_plain(e, sc); break;
	case STYLE_SINGLE: write_single(e, sc); break;
	case STYLE_DOUBLE: write_double(e, sc); break;
	case STYLE_LITERAL: write_literal(e, sc); break;
	}
	e->indent = saved;
}

static void emit_node(struct emitter *e, const struct node *n, const struct shape *shape,
		      enum ctx ctx);

/* {} or [] */
static void emit_empty(struct emitter *e, char open, char close)
{
	write_indicator(e, open, 1, 1, 0);
	write_indicator(e, close, 0, 0, 0);
}

static struct key key_of(const char *text)
{
	struct key k = { text, strlen(text), -1 };
	if (k.n <= MAX_SIMPLE_KEY) /* a longer key is written as a complex key */
		k.style = simple_style(text, k.n);
	return k;
}

static void emit_key(struct emitter *e, const struct key *k)
{
	if (k->style >= 0) {
		write_simple(e, k->s, k->n, k->style);
		write_indicator(e, ':', 0, 0, 0);
		return;
	}
	struct scalar sc;
	scalar_from_string(&sc, k->s, k->n);
	size_t len = sc.n + (sc.tag ? 2 + strlen(sc.tag) : 0);
	if (!sc.multiline && len <= MAX_SIMPLE_KEY) {
		emit_scalar(e, &sc, CTX_SIMPLE_KEY);
		write_indicator(e, ':', 0, 0, 0);
	} else {
		write_indicator(e, '?', 1, 0, 1);
		emit_scalar(e, &sc, CTX_COMPLEX_KEY);
		write_indent(e);
		write_indicator(e, ':', 1, 0, 1);
	}
	free(sc.owned);
}

/*
 * A scalar written as simple text: its style, with its text and length
 * (integers formatted into digits); -1 for anything else. Null, booleans
 * and integers are plain text that reads back as itself.
 */
static inline int scalar_text(const struct node *n, const struct shape *shape,
			      char digits[SHAPE_INT_DIGITS], const char **text, size_t *len)
{
	switch (n->kind) {
	case NODE_NULL:
		if (shape->kind == SHAPE_STRUCT && (shape->flags & SHAPE_F_VALUE))
			return -1; /* {} */
		*text = "null";
		*len = 4;
		return STYLE_PLAIN;
	case NODE_BOOL:
		*text = n->s.v.b ? "true" : "false";
		*len = n->s.v.b ? 4 : 5;
		return STYLE_PLAIN;
	case NODE_INT:
		*text = shape_format_int(digits, n, len);
		return STYLE_PLAIN;
	case NODE_STR:
		*text = n->s.text;
		*len = n->len;
		return simple_style(n->s.text, n->len);
	default:
		return -1;
	}
}

static void emit_complex(struct emitter *e, const struct node *n, const struct shape *shape,
			 enum ctx ctx);

static void emit_map(struct emitter *e, const struct node *map, const struct shape *shape,
		     enum ctx ctx)
{
	struct shape_item small[SHAPE_SMALL_ORDER];
	struct shape_item *order =
		map->map.n <= SHAPE_SMALL_ORDER ? small : xmalloc(map->map.n * sizeof(*order));
	shape_order(order, shape, map);
	int saved = e->indent;
	increase_indent(e, 0, ctx);
	for (size_t i = 0; i < map->map.n; i++) {
		struct key k = key_of(order[i].e->key);
		write_indent(e);
		emit_key(e, &k);
		emit_node(e, order[i].e->val, order[i].child, CTX_MAP_VALUE);
	}
	e->indent = saved;
	if (order != small)
		free(order);
}

static void emit_seq(struct emitter *e, const struct node *seq, const struct shape *shape,
		     enum ctx ctx)
{
	const struct shape *item = shape_child(shape, NULL);
	int saved = e->indent;
	increase_indent(e, 0, ctx);
	for (size_t i = 0; i < seq->seq.n; i++) {
		write_indent(e);
		write_indicator(e, '-', 1, 0, 1);
		emit_node(e, seq->seq.v[i], item, CTX_SEQ_ITEM);
	}
	e->indent = saved;
}

/* Go's float text: plain, as yaml.v3 asks for it */
static void emit_float(struct emitter *e, double f, const struct shape *shape, enum ctx ctx)
{
	struct sbuf num = SBUF_INIT;
	if (isnan(f))
		sb_puts(&num, ".nan");
	else if (isinf(f))
		sb_puts(&num, f > 0 ? ".inf" : "-.inf");
	else
		shape_format_float(&num, f, !!(shape->flags & SHAPE_F_FLOAT32), 'g');
	struct scalar sc = { .v = (const unsigned char *)num.buf, .n = num.len,
			     .style = STYLE_PLAIN };
	analyze(&sc);
	emit_scalar(e, &sc, ctx);
	sbuf_release(&num);
}

/* encode.go timev: RFC 3339 with nanoseconds, plain */
static void emit_time(struct emitter *e, const struct node *n, enum ctx ctx)
{
	char buf[YTIME_BUF];
	struct ytime t = ytime_of(n->s.text, n->len);
	struct scalar sc = { .v = (const unsigned char *)buf, .n = ytime_format_rfc3339(buf, &t),
			     .style = STYLE_PLAIN };
	analyze(&sc);
	emit_scalar(e, &sc, ctx);
}

/* A node that is not simple text (see scalar_text()). */
static void emit_complex(struct emitter *e, const struct node *n, const struct shape *shape,
			 enum ctx ctx)
{
	struct scalar sc;
	switch (n->kind) {
	case NODE_MAP:
	case NODE_NULL: /* a struct value */
		if (n->kind == NODE_MAP && n->map.n)
			emit_map(e, n, shape, ctx);
		else
			emit_empty(e, '{', '}');
		break;
	case NODE_SEQ:
		if (n->seq.n)
			emit_seq(e, n, shape, ctx);
		else
			emit_empty(e, '[', ']');
		break;
	case NODE_FLOAT:
		emit_float(e, n->s.v.f, shape, ctx);
		break;
	case NODE_TIME:
		emit_time(e, n, ctx);
		break;
	case NODE_STR:
		scalar_from_string(&sc, n->s.text, n->len);
		emit_scalar(e, &sc, ctx);
		free(sc.owned);
		break;
	case NODE_BOOL:
	case NODE_INT:
		BUG("a %s is simple text", node_kind_name(n->kind));
	}
}

static void emit_node(struct emitter *e, const struct node *n, const struct shape *shape,
		      enum ctx ctx)
{
	char digits[SHAPE_INT_DIGITS];
	const char *text;
	size_t len;
	int style = scalar_text(n, shape, digits, &text, &len);
	if (style >= 0)
		write_simple(e, text, len, style);
	else
		emit_complex(e, n, shape, ctx);
}

static void emit_document(struct emitter *e, const struct node *root)
{
	byte_class_init();
	e->buf = xmalloc(BUF_SIZE);
	if (!root) {
		out_bytes(e, "null\n", 5);
	} else {
		emit_node(e, root, &shape_root, CTX_ROOT);
		/* document end */
		e->indent = -1;
		write_indent(e);
	}
	flush(e);
	free(e->buf);
}

void emit_yaml(struct sbuf *out, const struct node *root)
{
	struct emitter e = { .sb = out, .fd = -1, .indent = -1, .whitespace = 1, .indention = 1 };
	emit_document(&e, root);
}

int emit_yaml_file(FILE *f, const struct node *root)
{
	struct emitter e = { .file = f, .indent = -1, .whitespace = 1, .indention = 1 };
	/* what f holds goes first; then the text bypasses its buffer */
	if (fflush(f))
		return -1;
	e.fd = fileno(f);
	emit_document(&e, root);
	if (e.write_errno)
		errno = e.write_errno;
	return e.write_errno ? -1 : 0;
}
