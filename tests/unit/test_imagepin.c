/*
 * Image digests (swarm/imagepin.c): the plan's comparison and display of
 * pinned images, and the lock file of deploy --lock / --locked.
 */
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/convert.h"
#include "swarm/imagepin.h"
#include "swarm/live.h"
#include "swarm/plan.h"
#include "tests/unit/harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define A "sha256:aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111"
#define B "sha256:bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222bbbb2222"

static void check_align(const char *live, const char *want, int pin, const char *live_after,
			const char *want_after)
{
	json_t *l = json_pack("{s:s}", "Image", live), *w = json_pack("{s:s}", "Image", want);
	imagepin_align(l, w, pin);
	CHECK_STR_EQ(json_string_value(json_object_get(l, "Image")), live_after);
	CHECK_STR_EQ(json_string_value(json_object_get(w, "Image")), want_after);
	json_decref(l);
	json_decref(w);
}

void test_imagepin__only_the_pinning_is_no_change(void)
{
	/* one side unpinned: made equal */
	check_align("app:1.4", "app:1.4@" A, 0, "app:1.4@" A, "app:1.4@" A);
	check_align("app:1.4@" A, "app:1.4", 0, "app:1.4@" A, "app:1.4@" A);
	/* with --with-registry-auth, pinning a live unpinned image is an update */
	check_align("app:1.4", "app:1.4@" A, 1, "app:1.4", "app:1.4@" A);
	check_align("app:1.4@" A, "app:1.4", 1, "app:1.4@" A, "app:1.4@" A);
	/* a moved tag, another tag, both unpinned: left as they are */
	check_align("app:1.4@" A, "app:1.4@" B, 0, "app:1.4@" A, "app:1.4@" B);
	check_align("app:1.4", "app:1.5@" B, 0, "app:1.4", "app:1.5@" B);
	check_align("app:1.4", "app:1.4", 0, "app:1.4", "app:1.4");
}

static char *change_text(const char *path, const char *old, const char *new)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	json_t *o = json_string(old), *n = json_string(new);
	if (!imagepin_print_change(f, path, o, n))
		fputs("(not an image change)", f);
	fclose(f);
	json_decref(o);
	json_decref(n);
	return buf;
}

void test_imagepin__a_moved_tag_is_shown_as_its_digests(void)
{
	static const char *const cases[][4] = {
		{ "TaskTemplate.ContainerSpec.Image", "app:1.4@" A, "app:1.4@" B,
		  "  image: app:1.4 (sha256:aaaa1111aaaa\xe2\x80\xa6 -> sha256:bbbb2222bbbb\xe2\x80\xa6)\n" },
		{ "TaskTemplate.ContainerSpec.Image", "app:1.4@" A, "app:1.5@" B,
		  "  image: app:1.4 (sha256:aaaa1111aaaa\xe2\x80\xa6) -> app:1.5 (sha256:bbbb2222bbbb\xe2\x80\xa6)\n" },
		{ "TaskTemplate.ContainerSpec.Image", "app:1.4", "app:1.5", "  image: app:1.4 -> app:1.5\n" },
		{ "TaskTemplate.ContainerSpec.Image", "app:1.4", "app:1.4@" B,
		  "  image: app:1.4 (unpinned -> sha256:bbbb2222bbbb\xe2\x80\xa6)\n" },
		{ "TaskTemplate.ContainerSpec.Env[0]", "A=1", "A=2", "(not an image change)" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *t = change_text(cases[i][0], cases[i][1], cases[i][2]);
		CHECK_STR_EQ(t, cases[i][3]);
		free(t);
	}
}

static void convert_yaml(struct stack_spec *s, const char *yaml)
{
	if (convert_stack(s, test_run(), test_load(yaml), "st"))
		test_fail(__FILE__, __LINE__, "convert failed: %s", test_diags());
}

static void empty_live(struct live_state *live, json_t *digests)
{
	memset(live, 0, sizeof(*live));
	live->services = json_array();
	live->networks = json_array();
	live->secrets = json_array();
	live->configs = json_array();
	live->digests = digests;
}

static const char stack_yaml[] = "version: \"3.8\"\n"
				 "services:\n"
				 "  api: {image: \"registry.example.com:5000/api:1.4\"}\n"
				 "  worker: {image: \"registry.example.com:5000/api:1.4\"}\n"
				 "  web: {image: nginx}\n"
				 "  pinned: {image: \"busybox@" A "\"}\n";

void test_imagepin__lock_what_the_plan_deploys(void)
{
	static const struct plan_opts never = { .resolve = RESOLVE_NEVER };
	struct stack_spec s;
	convert_yaml(&s, stack_yaml);
	struct live_state live;
	struct plan p;
	json_t *lock;

	/* nginx:latest had no registry answer: it cannot be locked */
	empty_live(&live, json_pack("{s:{s:s, s:[]}, s:n}", "registry.example.com:5000/api:1.4", "Image",
				    "registry.example.com:5000/api:1.4@" B, "Platforms", "nginx:latest"));
	CHECK_INT_EQ(plan_compute(&p, test_run(), &s, &live, &never), 0);
	CHECK_INT_EQ(imagepin_lock_make(&lock, test_run(), &p, "st.lock"), -1);
	CHECK(lock == NULL);
	CHECK(strstr(test_diags(), "--lock st.lock: service web would run image nginx:latest without a digest") != NULL);
	plan_release(&p);
	live_release(&live);

	empty_live(&live, json_pack("{s:{s:s, s:[]}, s:{s:s, s:[]}}", "registry.example.com:5000/api:1.4", "Image",
				    "registry.example.com:5000/api:1.4@" B, "Platforms", "nginx:latest", "Image",
				    "nginx:latest@" A, "Platforms"));
	struct run *run = test_run();
	CHECK_INT_EQ(plan_compute(&p, run, &s, &live, &never), 0);
	CHECK_INT_EQ(imagepin_lock_make(&lock, run, &p, "st.lock"), 0);
	char dir[] = "/tmp/stackc-lock-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char *path = xstrfmt("%s/st.lock", dir);
	struct sbuf err = SBUF_INIT;
	CHECK_INT_EQ(imagepin_lock_write(lock, path, &err), 0);
	json_decref(lock);
	FILE *f = fopen(path, "r");
	char text[1024] = "";
	CHECK(f && fread(text, 1, sizeof(text) - 1, f) > 0);
	fclose(f);
	/* sorted, one image once, the compose-pinned image left out */
	CHECK_STR_EQ(text, "{\n  \"nginx:latest\": \"" A "\",\n  \"registry.example.com:5000/api:1.4\": \"" B "\"\n}\n");
	plan_release(&p);
	live_release(&live);

	/* --locked reads it back: every image there, pinned to it */
	CHECK_INT_EQ(imagepin_lock_load(&lock, run, path, &s), 0);
	empty_live(&live, json_object());
	imagepin_lock_apply(&live, &s, lock);
	CHECK_STR_EQ(json_string_value(json_object_get(json_object_get(live.digests, "nginx:latest"), "Image")),
		     "nginx:latest@" A);
	CHECK(json_object_get(live.digests, "busybox@" A) == NULL);
	json_decref(lock);
	live_release(&live);
	convert_release(&s);

	/* an image the lock lacks is refused, naming the service */
	convert_yaml(&s, "version: \"3.8\"\nservices:\n  cache: {image: \"redis:7\"}\n");
	CHECK_INT_EQ(imagepin_lock_load(&lock, run, path, &s), -1);
	CHECK(lock == NULL);
	char *want = xstrfmt("service cache: image redis:7 is not in the lock file %s", path);
	CHECK(strstr(test_diags(), want) != NULL);
	free(want);
	convert_release(&s);

	/* files that are not locks */
	static const char *const bad[] = { "{\"nginx:latest\": \"latest\"}", "[\"" A "\"]",
					   "{\"x:1\": \"sha256:abc\"}" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		f = fopen(path, "w");
		fputs(bad[i], f);
		fclose(f);
		CHECK_INT_EQ(imagepin_lock_load(&lock, run, path, &s), -1);
		CHECK(strstr(test_diags(), "expected a JSON object of image -> digest") != NULL);
	}
	f = fopen(path, "w");
	fputs("{\n  \"x:1\": ", f);
	fclose(f);
	CHECK_INT_EQ(imagepin_lock_load(&lock, run, path, &s), -1);
	want = xstrfmt("lock file %s:2:", path);
	CHECK(strstr(test_diags(), want) != NULL);
	free(want);
	unlink(path);
	CHECK_INT_EQ(imagepin_lock_load(&lock, run, path, &s), -1);
	CHECK(strstr(test_diags(), "No such file or directory") != NULL);
	/* an unwritable place */
	char *nowhere = xstrfmt("%s/no/such/dir/st.lock", dir);
	lock = json_object();
	CHECK_INT_EQ(imagepin_lock_write(lock, nowhere, &err), -1);
	CHECK(strstr(err.buf, "cannot write the lock file ") != NULL);
	json_decref(lock);
	free(nowhere);
	sbuf_release(&err);
	rmdir(dir);
	free(path);
}
