/*
 * The printers' view of docker's compose model: each value's shape comes
 * from the row of the field that holds it (compose/model.h), whose struct's
 * rows are in the printed order; plus yaml.v3's natural key sort and Go's
 * float text.
 */
#include "emit/shape.h"
#include "base/node.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "compose/model.h"

#include <math.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== shapes from the model ==== */

const struct shape shape_any = { SHAPE_ANY, 0, NULL, NULL };
static const struct shape float32_shape = { SHAPE_ANY, SHAPE_F_FLOAT32, NULL, NULL };
const struct shape shape_root = { SHAPE_STRUCT, SHAPE_F_VALUE, MODEL(CONFIG), NULL };

/*
 * Every struct of the model held by a pointer [0] or by value [1], and
 * lists and maps of those: the shapes rows lead to, made once.
 */
static struct shape held[MODEL_NSTRUCTS][2];
static struct shape list_of[MODEL_NSTRUCTS][2];
static struct shape map_of[MODEL_NSTRUCTS][2];

static void make_shapes(void)
{
	for (size_t id = 0; id < MODEL_NSTRUCTS; id++)
		for (int by_value = 0; by_value < 2; by_value++) {
			const struct shape *st = &held[id][by_value];
			held[id][by_value] = (struct shape){ SHAPE_STRUCT, by_value ? SHAPE_F_VALUE : 0,
							     &model_structs[id], NULL };
			list_of[id][by_value] = (struct shape){ SHAPE_LIST, 0, NULL, st };
			map_of[id][by_value] = (struct shape){ SHAPE_DICT, 0, NULL, st };
		}
}

/* The shape of the value of st's row f (-1: a key without a row). */
static const struct shape *row_shape(const struct model_struct *st, int f)
{
	static int made;
	if (f < 0)
		return &shape_any;
	const struct model_field *row = &st->fields[f];
	if (row->type == MT_FLOAT32)
		return &float32_shape;
	if (!row->sub)
		return &shape_any;
	if (!made) {
		make_shapes();
		made = 1;
	}
	size_t id = model_struct_id(row->sub);
	int by_value = !(row->flags & MF_POINTER);
	switch (row->type) {
	case MT_STRUCTS:
	case MT_PORTS:
	case MT_VOLUMES:
	case MT_FILE_REFS:
		return &list_of[id][by_value];
	case MT_STRUCT_MAP:
	case MT_SERVICE_NETWORKS:
	case MT_ULIMITS:
		return &map_of[id][by_value];
	default: /* a struct, BuildConfig, External (printed as {name} in its deprecated form) */
		return &held[id][by_value];
	}
}

const struct shape *shape_child(const struct shape *s, const char *key)
{
	const struct shape *c = NULL;
	switch (s->kind) {
	case SHAPE_ANY:
		break;
	case SHAPE_STRUCT:
		if (key)
			c = row_shape(s->st, model_field_index(s->st, key));
		break;
	case SHAPE_DICT:
		if (key)
			c = s->elem;
		break;
	case SHAPE_LIST:
		if (!key)
			c = s->elem;
		break;
	}
	return c ? c : &shape_any;
}

/* ==== natural key order ==== */

/* Decode one rune as Go's []rune(string) does: invalid bytes are U+FFFD. */
static size_t decode_rune(const unsigned char *s, size_t n, uint32_t *r)
{
	unsigned c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*r = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		*r = 0xFFFD;
		return 1;
	}
	if (len > n)
		goto bad;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto bad;
	*r = v;
	return len;
bad:
	*r = 0xFFFD;
	return 1;
}

/* Unicode property test beyond Latin-1, by PCRE2 (compiled once, kept). */
static int has_property(uint32_t r, int digit)
{
	static pcre2_code *re[2];
	static pcre2_match_data *md;
	if (!re[digit]) {
		int err;
		PCRE2_SIZE off;
		const char *pat = digit ? "^\\p{Nd}" : "^\\p{L}";
		re[digit] = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &err,
					  &off, NULL);
		if (!re[digit])
			BUG("cannot compile %s", pat);
		if (!md)
			md = pcre2_match_data_create(1, NULL);
	}
	unsigned char buf[4];
	size_t n;
	if (r < 0x800) {
		buf[0] = (unsigned char)(0xC0 | (r >> 6));
		buf[1] = (unsigned char)(0x80 | (r & 0x3F));
		n = 2;
	} else if (r < 0x10000) {
		buf[0] = (unsigned char)(0xE0 | (r >> 12));
		buf[1] = (unsigned char)(0x80 | ((r >> 6) & 0x3F));
		buf[2] = (unsigned char)(0x80 | (r & 0x3F));
		n = 3;
	} else {
		buf[0] = (unsigned char)(0xF0 | (r >> 18));
		buf[1] = (unsigned char)(0x80 | ((r >> 12) & 0x3F));
		buf[2] = (unsigned char)(0x80 | ((r >> 6) & 0x3F));
		buf[3] = (unsigned char)(0x80 | (r & 0x3F));
		n = 4;
	}
	return pcre2_match(re[digit], buf, n, 0, PCRE2_NO_UTF_CHECK, md, NULL) > 0;
}

/* Go's unicode.IsLetter / unicode.IsDigit */
static int rune_is_letter(uint32_t r)
{
	if (r <= 0xFF)
		return (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || r == 0xAA || r == 0xB5 ||
		       r == 0xBA || (r >= 0xC0 && r <= 0xFF && r != 0xD7 && r != 0xF7);
	return has_property(r, 0);
}

static int rune_is_digit(uint32_t r)
{
	if (r <= 0xFF)
		return r >= '0' && r <= '9';
	return has_property(r, 1);
}

/* A key read rune by rune, as Go's range over []rune(key). */
struct rune_reader {
	const unsigned char *s;
	size_t len, at;
};

/* The next rune into *r; 0 at the end. */
static inline int next_rune(struct rune_reader *rd, uint32_t *r)
{
	if (rd->at == rd->len)
		return 0;
	rd->at += decode_rune(rd->s + rd->at, rd->len - rd->at, r);
	return 1;
}

/*
 * The digit run that starts with r (already read), as sorter.go reads it:
 * its value added to *num (an int64 that wraps, like Go's) and its length
 * in runes.
 */
static size_t digit_run(struct rune_reader *rd, uint32_t r, uint64_t *num)
{
	size_t n = 0;
	while (rune_is_digit(r)) {
		*num = *num * 10 + (uint64_t)((int64_t)r - '0');
		n++;
		if (!next_rune(rd, &r))
			break;
	}
	return n;
}

/* sorter.go's keyList.Less for two strings, reading both keys once. */
static int natural_less(const char *as, size_t alen, const char *bs, size_t blen)
{
	struct rune_reader a = { (const unsigned char *)as, alen, 0 };
	struct rune_reader b = { (const unsigned char *)bs, blen, 0 };
	/* the equal runes read so far end in a digit (a digit run with a non-zero digit) */
	int digits = 0, nonzero = 0;
	uint32_t x, y;
	for (;;) {
		int more_a = next_rune(&a, &x), more_b = next_rune(&b, &y);
		if (!more_a || !more_b)
			return !more_a && more_b; /* a prefix first */
		if (x == y) {
			digits = rune_is_digit(x);
			nonzero = digits && (nonzero || x != '0');
			continue;
		}
		int al = rune_is_letter(x), bl = rune_is_letter(y);
		if (al && bl)
			return x < y;
		if (al || bl)
			return digits ? al : bl;
		/* a leading zero counts when the run has a non-zero digit before it */
		uint64_t an = 0, bn = 0;
		if ((x == '0' || y == '0') && nonzero)
			an = bn = 1;
		size_t ai = digit_run(&a, x, &an), bi = digit_run(&b, y, &bn);
		if (an != bn)
			return (int64_t)an < (int64_t)bn;
		if (ai != bi)
			return ai < bi;
		return x < y;
	}
}

int shape_key_less(const char *a, size_t alen, const char *b, size_t blen)
{
	return natural_less(a, alen, b, blen);
}

/* ==== print order of a map ==== */

struct sort_item {
	const char *key;
	size_t len;
	struct shape_item it;
};

static int item_less(const struct sort_item *a, const struct sort_item *b)
{
	return natural_less(a->key, a->len, b->key, b->len);
}

/*
 * On keys of letters, ASCII digits and other characters the natural order
 * is a strict total order (test_emit__natural_order_is_total), so any
 * stable sort puts them in the one right order. (With digits of other
 * scripts it is not transitive; docker's order of such keys then depends
 * on Go's random map order.) Small maps, usually in order already, take an
 * insertion sort (as Go's sort.Sort does below 13 items); larger ones a
 * merge sort into tmp.
 */
#define INSERTION_MAX 12

static void stable_sort(struct sort_item *v, struct sort_item *tmp, size_t n)
{
	if (n <= INSERTION_MAX) {
		for (size_t i = 1; i < n; i++) {
			struct sort_item x = v[i];
			size_t j = i;
			for (; j > 0 && item_less(&x, &v[j - 1]); j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	size_t n1 = n / 2, n2 = n - n1;
	struct sort_item *b1 = v, *b2 = v + n1, *t = tmp;
	stable_sort(b1, tmp, n1);
	stable_sort(b2, tmp, n2);
	if (!item_less(b2, b1 + n1 - 1))
		return; /* in order already (as keys mostly are) */
	while (n1 > 0 && n2 > 0) {
		if (!item_less(b2, b1)) {
			*t++ = *b1++;
			n1--;
		} else {
			*t++ = *b2++;
			n2--;
		}
	}
	/* what is left of b2 is in place already */
	if (n1 > 0)
		memcpy(t, b1, n1 * sizeof(*t));
	memcpy(v, tmp, (n - n2) * sizeof(*v));
}

/* Most maps are small: their scratch space lives on the stack. */
#define SMALL_MAP 64

/* Sort v[0..n) naturally by key. */
static void sort_natural(struct shape_item *v, size_t n)
{
	if (n < 2)
		return;
	struct sort_item small[2 * SMALL_MAP];
	struct sort_item *items = n <= SMALL_MAP ? small : xmalloc(2 * n * sizeof(*items));
	for (size_t i = 0; i < n; i++) {
		items[i].key = v[i].e->key;
		items[i].len = strlen(items[i].key);
		items[i].it = v[i];
	}
	stable_sort(items, items + n, n);
	for (size_t i = 0; i < n; i++)
		v[i] = items[i].it;
	if (items != small)
		free(items);
}

void shape_order(struct shape_item *out, const struct shape *s, const struct node *map)
{
	size_t n = map->map.n, k = 0;
	const struct node_entry *v = map->map.v;
	if (!n)
		return;
	if (s->kind != SHAPE_STRUCT) {
		const struct shape *child = s->kind == SHAPE_DICT && s->elem ? s->elem : &shape_any;
		for (size_t i = 0; i < n; i++)
			out[i] = (struct shape_item){ &v[i], child };
		sort_natural(out, n);
		return;
	}
	/*
	 * The usual case: the normalizer wrote the fields in order, with the
	 * very key strings of the model's rows (unique within a struct), so a
	 * walk comparing addresses places them.
	 */
	const struct model_struct *st = s->st;
	size_t f = 0;
	for (k = 0; k < n; k++, f++) {
		while (f < st->nfields && st->fields[f].key != v[k].key)
			f++;
		if (f == st->nfields)
			break;
		out[k] = (struct shape_item){ &v[k], row_shape(st, (int)f) };
	}
	if (k == n)
		return;
	/* else each field takes the first entry with its key; the rest follow */
	int small_fidx[SMALL_MAP];
	int *fidx = n <= SMALL_MAP ? small_fidx : xmalloc(n * sizeof(*fidx));
	size_t small_first[SMALL_MAP];
	size_t *first = st->nfields <= SMALL_MAP ? small_first : xmalloc(st->nfields * sizeof(*first));
	memset(first, 0, st->nfields * sizeof(*first));
	for (size_t i = 0; i < n; i++) {
		fidx[i] = model_field_index(st, v[i].key);
		if (fidx[i] >= 0 && !first[fidx[i]])
			first[fidx[i]] = i + 1;
	}
	k = 0;
	for (f = 0; f < st->nfields; f++)
		if (first[f])
			out[k++] = (struct shape_item){ &v[first[f] - 1], row_shape(st, (int)f) };
	size_t known = k;
	for (size_t i = 0; i < n; i++)
		if (fidx[i] < 0 || first[fidx[i]] != i + 1)
			out[k++] = (struct shape_item){ &v[i], row_shape(st, fidx[i]) };
	sort_natural(out + known, n - known);
	if (first != small_first)
		free(first);
	if (fidx != small_fidx)
		free(fidx);
}

/* ==== Go float text ==== */

void shape_format_float(struct sbuf *out, double f, int bits32, char fmt)
{
	char buf[48], digits[24];
	int nd = 0, dp;
	if (signbit(f))
		sb_putc(out, '-');
	f = fabs(f);
	if (f == 0) {
		digits[nd++] = '0';
		dp = 1;
	} else {
		/* the fewest digits that read back as the same value */
		for (int p = 1; p <= 17; p++) {
			snprintf(buf, sizeof(buf), "%.*e", p - 1, f);
			double back = strtod(buf, NULL);
			if (bits32 ? (float)back == (float)f : back == f)
				break;
		}
		char *e = strchr(buf, 'e');
		for (const char *p = buf; p < e; p++)
			if (*p != '.')
				digits[nd++] = *p;
		while (nd > 1 && digits[nd - 1] == '0')
			nd--;
		dp = atoi(e + 1) + 1;
	}
	int exp = dp - 1;
	if (fmt == 'g')
		fmt = f != 0 && (exp < -4 || exp >= 6) ? 'e' : 'f';
	if (fmt == 'e') {
		sb_putc(out, digits[0]);
		if (nd > 1) {
			sb_putc(out, '.');
			sb_put(out, digits + 1, (size_t)nd - 1);
		}
		sb_printf(out, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	if (f == 0) {
		sb_putc(out, '0');
		return;
	}
	if (dp > 0) {
		for (int i = 0; i < dp; i++)
			sb_putc(out, i < nd ? digits[i] : '0');
	} else {
		sb_putc(out, '0');
	}
	if (nd > dp) {
		sb_putc(out, '.');
		for (int i = dp; i < nd; i++)
			sb_putc(out, i < 0 ? '0' : digits[i]);
	}
}

const char *shape_format_int(char digits[SHAPE_INT_DIGITS], const struct node *n, size_t *len)
{
	int neg = !(n->flags & NODE_UNSIGNED) && n->s.v.i < 0;
	uint64_t u = (n->flags & NODE_UNSIGNED) ? n->s.v.u :
		     neg ? 0 - (uint64_t)n->s.v.i : (uint64_t)n->s.v.i;
	size_t at = SHAPE_INT_DIGITS;
	do {
		digits[--at] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		digits[--at] = '-';
	*len = SHAPE_INT_DIGITS - at;
	return digits + at;
}
