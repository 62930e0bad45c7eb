/* Loader: scalar typing, positions, anchors, merge keys, errors, limits. */
#include "compose/load.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "tests/unit/harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct node *get(struct node *root, const char *key)
{
	struct node *n = node_map_get(root, key);
	if (!n)
		test_fail(__FILE__, __LINE__, "no key %s", key);
	return n;
}

void test_load__scalar_types(void)
{
	struct node *r = test_load("a: yes\nb: 0440\nc: 1_000\nd: 0x1F\ne: \"1\"\nf: ~\ng: True\n"
				   "h: 1.5\ni: 12:30\nj: 2001-12-14\nk: 0o17\nl: 100000000000000000000\n"
				   "m: 18446744073709551615\nn: !!str 123\no: -5\np: .inf\n");
	CHECK_INT_EQ(get(r, "a")->kind, NODE_STR);
	CHECK_INT_EQ(get(r, "b")->kind, NODE_INT);
	CHECK_INT_EQ(get(r, "b")->s.v.i, 288);
	CHECK_INT_EQ(get(r, "c")->s.v.i, 1000);
	CHECK_INT_EQ(get(r, "d")->s.v.i, 31);
	CHECK_INT_EQ(get(r, "e")->kind, NODE_STR);
	CHECK(get(r, "e")->flags & NODE_QUOTED);
	CHECK_INT_EQ(get(r, "f")->kind, NODE_NULL);
	CHECK_INT_EQ(get(r, "g")->kind, NODE_BOOL);
	CHECK_INT_EQ(get(r, "h")->kind, NODE_FLOAT);
	CHECK_INT_EQ(get(r, "i")->kind, NODE_STR);
	CHECK_INT_EQ(get(r, "j")->kind, NODE_TIME);
	CHECK_STR_EQ(get(r, "j")->s.text, "2001-12-14");
	CHECK_INT_EQ(get(r, "k")->s.v.i, 15);
	CHECK_INT_EQ(get(r, "l")->kind, NODE_FLOAT);
	CHECK(get(r, "m")->flags & NODE_UNSIGNED);
	CHECK_INT_EQ(get(r, "n")->kind, NODE_STR);
	CHECK_INT_EQ(get(r, "o")->s.v.i, -5);
	CHECK_INT_EQ(get(r, "p")->kind, NODE_FLOAT);
	CHECK_STR_EQ(get(r, "b")->s.text, "0440");
}

void test_load__timestamps(void)
{
	struct node *r = test_load("a: 2002-1-1\nb: 2001-12-14t21:59:43.10-05:00\n"
				   "c: 2001-12-14 21:59:43.10 -5\nd: \"2001-12-14\"\n"
				   "e: !!str 2001-12-14\nf: !!timestamp '2001-12-14'\n"
				   "g: 2001-13-45\nh: 2001-02-29\ni: [2001-12-14]\n"
				   "j: {2001-12-14: x}\nk: day=2001-12-14\n");
	CHECK_INT_EQ(get(r, "a")->kind, NODE_TIME);
	CHECK_INT_EQ(get(r, "b")->kind, NODE_TIME);
	CHECK_STR_EQ(get(r, "b")->s.text, "2001-12-14t21:59:43.10-05:00");
	CHECK_INT_EQ(get(r, "c")->kind, NODE_STR);
	CHECK_INT_EQ(get(r, "d")->kind, NODE_STR);
	CHECK_INT_EQ(get(r, "e")->kind, NODE_STR);
	CHECK_INT_EQ(get(r, "f")->kind, NODE_TIME);
	CHECK_INT_EQ(get(r, "g")->kind, NODE_STR);
	CHECK_INT_EQ(get(r, "h")->kind, NODE_STR);
	CHECK_INT_EQ(get(r, "i")->seq.v[0]->kind, NODE_TIME);
	/* a time is not a string key: yaml.v3 makes the map map[interface{}]interface{} */
	CHECK(get(r, "j")->map.v[0].keyflags & NODE_KEY_NONSTR);
	CHECK(r->flags & NODE_NONSTR_KEYS);
	CHECK_INT_EQ(get(r, "k")->kind, NODE_STR);
}

void test_load__timestamp_offset_past_json(void)
{
	struct run *run = test_run();
	const char *y = "x-a:\n  b: 2001-12-14T21:59:43+23:59\n  c: 2001-12-14T21:59:43-24:00\n";
	uint32_t src = source_add(&run->sources, "tz.yml", NULL, y, strlen(y));
	struct node *root;
	CHECK_INT_EQ(load_yaml(&root, run, src), -1);
	CHECK_STR_EQ(test_diags(),
		     "tz.yml:3:6: error: x-a.c: timestamp 2001-12-14T21:59:43-24:00 has a zone "
		     "offset of 24 hours or more, which docker cannot validate (quote it to keep it "
		     "as a string)\n");
}

void test_load__positions(void)
{
	struct node *r = test_load("services:\n  web:\n    image: nginx\n");
	struct node *web = get(get(r, "services"), "web");
	struct node_entry *e = node_map_find(web, "image");
	CHECK_INT_EQ(e->keypos.line, 3);
	CHECK_INT_EQ(e->keypos.col, 5);
	CHECK_INT_EQ(e->val->pos.line, 3);
	CHECK_INT_EQ(e->val->pos.col, 12);
}

void test_load__anchors_and_merge_keys(void)
{
	struct node *r = test_load("x: &base {a: 1, b: 2}\n"
				   "y:\n  <<: *base\n  b: 3\n"
				   "z:\n  <<: [{c: 1}, {c: 2, d: 4}]\n"
				   "w: *base\n");
	struct node *y = get(r, "y");
	CHECK_INT_EQ(get(y, "a")->s.v.i, 1);
	CHECK_INT_EQ(get(y, "b")->s.v.i, 3);
	CHECK(!node_map_get(y, "<<"));
	struct node *z = get(r, "z");
	CHECK_INT_EQ(get(z, "c")->s.v.i, 1);
	CHECK_INT_EQ(get(z, "d")->s.v.i, 4);
	/* aliases are copies: no shared nodes */
	CHECK(get(r, "w") != get(r, "x"));
	CHECK_INT_EQ(get(get(r, "w"), "b")->s.v.i, 2);
}

void test_load__duplicate_key(void)
{
	struct run *run = test_run();
	const char *y = "services:\n  web:\n    image: a\n    image: b\n";
	uint32_t src = source_add(&run->sources, "dup.yml", NULL, y, strlen(y));
	struct node *root;
	CHECK_INT_EQ(load_yaml(&root, run, src), -1);
	CHECK_STR_EQ(test_diags(),
		     "dup.yml:4:5: error: services.web.image: duplicate key \"image\"\n"
		     "dup.yml:3:5: note: first defined here\n");
}

void test_load__syntax_error_has_position(void)
{
	struct run *run = test_run();
	const char *y = "a: [1, 2\nb: 3\n";
	uint32_t src = source_add(&run->sources, "bad.yml", NULL, y, strlen(y));
	struct node *root;
	CHECK_INT_EQ(load_yaml(&root, run, src), -1);
	CHECK(strstr(test_diags(), "bad.yml:") != NULL);
	CHECK(strstr(test_diags(), "error: yaml: ") != NULL);
}

void test_load__billion_laughs_is_capped(void)
{
	struct sbuf sb = SBUF_INIT;
	sb_puts(&sb, "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 10; i++)
		sb_printf(&sb, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
			  'a' + i, 'a' + i, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1,
			  'a' + i - 1, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1,
			  'a' + i - 1);
	struct run *run = test_run();
	uint32_t src = source_add(&run->sources, "lol.yml", NULL, sb.buf, sb.len);
	sbuf_release(&sb);
	struct node *root;
	CHECK_INT_EQ(load_yaml(&root, run, src), -1);
	CHECK(strstr(test_diags(), "alias expansion") != NULL);
}

void test_load__depth_is_capped(void)
{
	struct sbuf sb = SBUF_INIT;
	for (int i = 0; i < 1000; i++)
		sb_putc(&sb, '[');
	struct run *run = test_run();
	uint32_t src = source_add(&run->sources, "deep.yml", NULL, sb.buf, sb.len);
	sbuf_release(&sb);
	struct node *root;
	CHECK_INT_EQ(load_yaml(&root, run, src), -1);
	CHECK(strstr(test_diags(), "nesting is deeper") != NULL);
}

void test_load__first_document_only(void)
{
	struct node *r = test_load("a: 1\n---\nb: 2\n");
	CHECK(node_map_get(r, "a"));
	CHECK(!node_map_get(r, "b"));
}

void test_load__int_constructors_spell_the_value(void)
{
	struct run *r = test_run();
	static const int64_t ints[] = { 0, 7, -7, 1234567890123, INT64_MAX, INT64_MIN };
	static const char *const texts[] = { "0", "7", "-7", "1234567890123",
					     "9223372036854775807", "-9223372036854775808" };
	for (size_t i = 0; i < sizeof(ints) / sizeof(*ints); i++) {
		struct node *n = node_new_int(&r->arena, POS_NONE, ints[i]);
		CHECK_STR_EQ(n->s.text, texts[i]);
		CHECK_INT_EQ(n->len, strlen(texts[i]));
	}
	struct node *u = node_new_uint(&r->arena, POS_NONE, UINT64_MAX);
	CHECK_STR_EQ(u->s.text, "18446744073709551615");
	CHECK(u->flags & NODE_UNSIGNED);
}
