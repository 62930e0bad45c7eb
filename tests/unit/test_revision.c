/*
 * Revisions (swarm/revision.h) against the replay transport: the listing
 * read newest first, what a record writes and removes, what a revision holds.
 */
#include "base/crypto.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/engine.h"
#include "swarm/plan.h"
#include "swarm/revision.h"
#include "tests/unit/harness.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define PING "<<< 200\nApi-Version: 1.41\n\nOK\n"

#define REV(id, n, when)                                                                                   \
	"{\"ID\":\"" id "\",\"Spec\":{\"Name\":\"st_stackc-rev-" #n "\",\"Labels\":{"                      \
	"\"com.docker.stack.namespace\":\"st\",\"com.stackc.revision\":\"" #n "\","                        \
	"\"com.stackc.revision.time\":\"" when "\",\"com.stackc.revision.host\":\"h\","                    \
	"\"com.stackc.revision.user\":\"u\",\"com.stackc.revision.summary\":\"1 service\"}}}"

static struct engine *open_replay(char **dir, const char *replies)
{
	struct engine *e = NULL;
	struct sbuf err = SBUF_INIT;
	*dir = test_tmp_dir("revision");
	test_write_file(*dir, "replies", replies);
	char *r = xstrfmt("%s/replies", *dir), *rec = xstrfmt("%s/record", *dir);
	if (engine_open_replay(&e, r, rec, &err))
		test_fail(__FILE__, __LINE__, "replay: %s", err.buf);
	free(r);
	free(rec);
	sbuf_release(&err);
	return e;
}

void test_revision__list_newest_first(void)
{
	char *dir;
	/* a config of the stack with a label stackc did not write is left out */
	struct engine *e = open_replay(&dir, PING "<<< 200\n\n[" REV("id2", 2, "t2") "," REV("id10", 10, "t10") ","
						     REV("id1", 1, "t1") ",{\"ID\":\"x\",\"Spec\":{\"Name\":\"st_x\","
						     "\"Labels\":{\"com.stackc.revision\":\"nope\"}}}]\n");
	struct revision_list l;
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(revision_list(&l, e, "st", &err), 0);
	CHECK_INT_EQ(l.n, 3);
	CHECK_INT_EQ(l.v[0].number, 10);
	CHECK_INT_EQ(l.v[1].number, 2);
	CHECK_INT_EQ(l.v[2].number, 1);
	CHECK_STR_EQ(l.v[0].id, "id10");
	CHECK_STR_EQ(l.v[0].time, "t10");
	CHECK_STR_EQ(l.v[2].summary, "1 service");
	CHECK(revision_find(&l, 2) == &l.v[1]);
	CHECK(revision_find(&l, 3) == NULL);
	revision_list_release(&l);
	engine_free(e);
	char *rec = test_read_file(dir, "record");
	/* one GET, filtered by the stack's namespace and the revision label */
	CHECK(strstr(rec, "GET /v1.41/configs?filters=") && strstr(rec, "com.stackc.revision"));
	free(rec);
	sbuf_release(&err);
	test_remove_dir(dir);
}

/* A plan by hand: a rotated secret, a config at its first generation, a pinned service. */
static void small_plan(struct plan *p, struct stack_object obj[3], json_t **bodies)
{
	memset(p, 0, sizeof(*p));
	p->stack = "st";
	p->items = xcalloc(3, sizeof(*p->items));
	p->n = 3;
	obj[0] = (struct stack_object){ KIND_SECRET, "pw", "st_pw", 0, NULL, "/x/pw.txt" };
	obj[1] = (struct stack_object){ KIND_CONFIG, "conf", "st_conf", 0, NULL, "/x/conf.txt" };
	bodies[0] = json_pack("{s:{s:{s:s}}}", "TaskTemplate", "ContainerSpec", "Image", "busybox:1");
	bodies[1] = json_pack("{s:{s:{s:s}}}", "TaskTemplate", "ContainerSpec", "Image",
			      "busybox:1@sha256:0123");
	obj[2] = (struct stack_object){ KIND_SERVICE, "web", "st_web", 0, bodies[0], NULL };
	p->items[0] = (struct plan_item){ .kind = KIND_SECRET, .action = PLAN_UPDATE, .name = "st_pw",
					  .want = &obj[0], .ref_name = "st_pw-v2", .rotate = 1, .generation = 2 };
	p->items[1] = (struct plan_item){ .kind = KIND_CONFIG, .action = PLAN_UNCHANGED, .name = "st_conf",
					  .want = &obj[1], .ref_name = "st_conf" };
	p->items[2] = (struct plan_item){ .kind = KIND_SERVICE, .action = PLAN_UPDATE, .name = "st_web",
					  .want = &obj[2], .body = bodies[1] };
}

void test_revision__data_holds_generations_and_digests(void)
{
	struct plan p;
	struct stack_object obj[3];
	json_t *bodies[2];
	small_plan(&p, obj, bodies);
	json_t *d = revision_data("st", "version: \"3.8\"\n", &p);
	CHECK_STR_EQ(json_string_value(json_object_get(d, "compose")), "version: \"3.8\"\n");
	CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(json_object_get(d, "generations"), "secrets"), "pw")),
		     "st_pw-v2");
	CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(json_object_get(d, "generations"), "configs"), "conf")),
		     "st_conf");
	CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(d, "images"), "busybox:1")), "sha256:0123");
	char *sum = revision_summary(&p, "rollback to 1");
	CHECK_STR_EQ(sum, "rollback to 1; 1 service; updated web; 1 rotated");
	free(sum);
	json_decref(d);
	json_decref(bodies[0]);
	json_decref(bodies[1]);
	free(p.items);
}

void test_revision__record_writes_the_next_and_removes_beyond_keep(void)
{
	char *dir;
	struct engine *e = open_replay(&dir, PING "<<< 200\n\n[" REV("id1", 1, "t1") "," REV("id2", 2, "t2") "]\n"
						  "<<< 201\n\n{\"ID\":\"id3\"}\n<<< 204\n\n");
	struct sbuf err = SBUF_INIT;
	json_t *data = json_pack("{s:s}", "compose", "services: {}\n");
	long n = 0;
	setenv("STACKC_NOW", "0", 1);
	int rc = revision_record(&n, e, "st", data, "1 service", 2, &err);
	unsetenv("STACKC_NOW");
	if (rc)
		test_fail(__FILE__, __LINE__, "record: %s", err.buf);
	CHECK_INT_EQ(n, 3);
	engine_free(e);
	char *rec = test_read_file(dir, "record");
	CHECK(strstr(rec, "POST /v1.41/configs/create\n"));
	CHECK(strstr(rec, "\"Name\":\"st_stackc-rev-3\""));
	CHECK(strstr(rec, "\"com.stackc.revision\":\"3\""));
	CHECK(strstr(rec, "\"com.stackc.revision.time\":\"1970-01-01T00:00:00Z\""));
	CHECK(strstr(rec, "\"com.docker.stack.namespace\":\"st\""));
	/* keep 2: the new one and revision 2; revision 1 goes */
	CHECK(strstr(rec, "DELETE /v1.41/configs/id1\n"));
	CHECK(!strstr(rec, "DELETE /v1.41/configs/id2"));
	free(rec);
	json_decref(data);
	sbuf_release(&err);
	test_remove_dir(dir);
}

void test_revision__read_decodes_the_data(void)
{
	char *dir;
	const char *text = "{\"compose\":\"services: {}\\n\",\"generations\":{}}";
	char *b64 = xmalloc(CRYPTO_BASE64_LEN(strlen(text)));
	crypto_base64(b64, text, strlen(text));
	char *replies = xstrfmt(PING "<<< 200\n\n{\"ID\":\"id1\",\"Spec\":{\"Name\":\"st_stackc-rev-1\",\"Data\":\"%s\"}}\n"
				     "<<< 200\n\n{\"ID\":\"id2\",\"Spec\":{\"Name\":\"st_stackc-rev-2\",\"Data\":\"bm9wZQ==\"}}\n",
				b64);
	struct engine *e = open_replay(&dir, replies);
	struct revision r1 = { 1, "id1", "st_stackc-rev-1", NULL, NULL, NULL, NULL };
	struct revision r2 = { 2, "id2", "st_stackc-rev-2", NULL, NULL, NULL, NULL };
	struct sbuf err = SBUF_INIT;
	json_t *d = NULL;
	CHECK_INT_EQ(revision_read(&d, e, &r1, &err), 0);
	CHECK_STR_EQ(json_string_value(json_object_get(d, "compose")), "services: {}\n");
	json_decref(d);
	CHECK_INT_EQ(revision_read(&d, e, &r2, &err), -1);
	CHECK_STR_EQ(err.buf, "config st_stackc-rev-2 is not a revision stackc can read");
	engine_free(e);
	sbuf_release(&err);
	free(replies);
	free(b64);
	test_remove_dir(dir);
}
