/*
 * Registry credentials (swarm/regauth.c) against docker's rules: the registry
 * of an image, ConvertToHostname (docker's own test table,
 * cli/config/credentials/file_store_test.go), and the resolution order
 * credHelpers → credsStore → auths, with fake docker-credential-* helpers on
 * PATH that answer from a file and log each call.
 */
#include "base/crypto.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/regauth.h"
#include "tests/unit/harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void test_regauth__registry_of_an_image(void)
{
	static const char *const cases[][2] = {
		{ "nginx", "https://index.docker.io/v1/" },
		{ "nginx:1.25", "https://index.docker.io/v1/" },
		{ "library/nginx", "https://index.docker.io/v1/" },
		{ "myuser/app@sha256:abc", "https://index.docker.io/v1/" },
		{ "docker.io/library/nginx", "https://index.docker.io/v1/" },
		{ "index.docker.io/myuser/app:2", "https://index.docker.io/v1/" },
		{ "registry-1.docker.io/myuser/app", "registry-1.docker.io" },
		{ "registry.example.com/team/app:1.4", "registry.example.com" },
		{ "registry.example.com:5000/app", "registry.example.com:5000" },
		{ "127.0.0.1:5999/app:1", "127.0.0.1:5999" },
		{ "localhost/app", "localhost" },
		{ "localhost:5000/app@sha256:abc", "localhost:5000" },
		{ "[::1]:5000/app", "[::1]:5000" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *r = regauth_registry(cases[i][0]);
		CHECK_STR_EQ(r, cases[i][1]);
		free(r);
	}
}

void test_regauth__convert_to_hostname(void)
{
	/* docker's TestConvertToHostname, FIXMEs included */
	static const char *const cases[][2] = {
		{ "127.0.0.1", "127.0.0.1" },
		{ "::1", "::1" },
		{ "[::1]", "[::1]" },
		{ "example.com", "example.com" },
		{ "http://example.com", "example.com" },
		{ "https://example.com", "example.com" },
		{ "https://example.com/", "example.com" },
		{ "https://example.com/v2/", "example.com" },
		{ "unix:///var/run/docker.sock", "unix:" },
		{ "ftp://example.com", "example.com" },
		{ "127.0.0.1:6556", "127.0.0.1:6556" },
		{ "::1:6556", "::1:6556" },
		{ "[::1]:6556", "[::1]:6556" },
		{ "example.com:6555", "example.com:6555" },
		{ "https://127.0.0.1:6555/v2/", "127.0.0.1:6555" },
		{ "https://::1:6555/v2/", "[::1]:6555" },
		{ "https://[::1]:6555/v2/", "[::1]:6555" },
		{ "http://example.com:6555", "example.com:6555" },
		{ "https://example.com:6555", "example.com:6555" },
		{ "https://example.com:6555/v2/", "example.com:6555" },
		{ "https://index.docker.io/v1/", "index.docker.io" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *h = regauth_hostname(cases[i][0]);
		CHECK_STR_EQ(h, cases[i][1]);
		free(h);
	}
}

/* ---- resolution, with fake helpers ---- */

/* docker-credential-<name> get: answers from <dir>/answers ("name<TAB>key<TAB>json"), logs each call */
static const char fake_helper[] =
	"#!/bin/sh\n"
	"dir=$(dirname \"$0\")\n"
	"name=${0##*/docker-credential-}\n"
	"key=$(cat)\n"
	"echo \"$name $* $key\" >>\"$dir/calls\"\n"
	"if [ \"$name\" = broken ]; then echo 'error: the keychain is locked' ; exit 1; fi\n"
	"if [ \"$name\" = garbage ]; then echo 'hunter2 is the password'; exit 0; fi\n"
	"answer=$(awk -F '\\t' -v n=\"$name\" -v k=\"$key\" '$1 == n && $2 == k { print $3 }' \"$dir/answers\")\n"
	"if [ -z \"$answer\" ]; then echo 'credentials not found in native keychain'; exit 1; fi\n"
	"echo \"$answer\"\n";

struct env {
	char *dir, *old_path, *old_config;
};

/* The calls the fake helpers logged since the last time (the log is emptied). */
static char *calls(const char *dir)
{
	char *log = test_read_file(dir, "calls");
	test_write_file(dir, "calls", "");
	return log;
}

static void env_start(struct env *e, const char *config)
{
	e->dir = test_tmp_dir("regauth");
	static const char *const helpers[] = { "docker-credential-desktop", "docker-credential-ecr",
					       "docker-credential-pass", "docker-credential-broken",
					       "docker-credential-garbage" };
	for (size_t i = 0; i < ARRAY_SIZE(helpers); i++) {
		test_write_file(e->dir, helpers[i], fake_helper);
		char *path = xstrfmt("%s/%s", e->dir, helpers[i]);
		chmod(path, 0755);
		free(path);
	}
	test_write_file(e->dir, "answers",
	    "desktop\tregistry.example.com\t{\"ServerURL\":\"registry.example.com\",\"Username\":\"desk\",\"Secret\":\"d-pw\"}\n"
	    "desktop\thttps://index.docker.io/v1/\t{\"ServerURL\":\"https://index.docker.io/v1/\",\"Username\":\"hubuser\",\"Secret\":\"h-pw\"}\n"
	    "ecr\t123.dkr.ecr.example.com\t{\"ServerURL\":\"123.dkr.ecr.example.com\",\"Username\":\"AWS\",\"Secret\":\"ecr-token\"}\n"
	    "pass\thelped.example.com\t{\"ServerURL\":\"helped.example.com\",\"Username\":\"<token>\",\"Secret\":\"id-token\"}\n");
	test_write_file(e->dir, "config.json", config);
	const char *path = getenv("PATH"), *conf = getenv("DOCKER_CONFIG");
	e->old_path = xstrdup(path ? path : "/usr/bin:/bin");
	e->old_config = conf ? xstrdup(conf) : NULL;
	char *np = xstrfmt("%s:%s", e->dir, e->old_path);
	setenv("PATH", np, 1);
	free(np);
	setenv("DOCKER_CONFIG", e->dir, 1);
	regauth_clear();
}

static void env_stop(struct env *e)
{
	regauth_clear();
	setenv("PATH", e->old_path, 1);
	if (e->old_config)
		setenv("DOCKER_CONFIG", e->old_config, 1);
	else
		unsetenv("DOCKER_CONFIG");
	test_remove_dir(e->dir);
	free(e->old_path);
	free(e->old_config);
}

/* The AuthConfig JSON inside an X-Registry-Auth value, or the error. */
static char *lookup(const char *image)
{
	struct sbuf err = SBUF_INIT;
	char *header;
	if (regauth_lookup(&header, image, &err)) {
		CHECK(header == NULL);
		return sbuf_detach(&err, NULL);
	}
	sbuf_release(&err);
	size_t n = strlen(header);
	for (size_t i = 0; i < n; i++)
		header[i] = header[i] == '-' ? '+' : header[i] == '_' ? '/' : header[i];
	unsigned char *dec = xcalloc(n + 1, 1);
	int len = crypto_base64_decode(dec, header, n);
	CHECK(len >= 0);
	while (len > 0 && !dec[len - 1])
		len--;
	dec[len] = '\0';
	free(header);
	return (char *)dec;
}

#define CHECK_AUTH(image, want)                   \
	do {                                      \
		char *got_ = lookup(image);       \
		CHECK_STR_EQ(got_, want);         \
		free(got_);                       \
	} while (0)

void test_regauth__resolution_order(void)
{
	struct env e;
	env_start(&e, "{\"auths\": {\"registry.example.com\": {\"auth\": \"ZmlsZTpmaWxlLXB3\", \"email\": \"me@example.com\"},\n"
		      "           \"https://other.example.com/v2/\": {\"auth\": \"b3RoZXI6by1wdw==\"},\n"
		      "           \"https://index.docker.io/v1/\": {},\n"
		      "           \"docker.io\": {\"auth\": \"bm86bm8=\"},\n"
		      "           \"tokens.example.com\": {\"identitytoken\": \"tok\", \"registrytoken\": \"rtok\"}},\n"
		      " \"credsStore\": \"desktop\",\n"
		      " \"credHelpers\": {\"123.dkr.ecr.example.com\": \"ecr\", \"other.example.com\": \"pass\"}}");
	/* 1. credHelpers first; the helper gets `get` and the registry on stdin */
	CHECK_AUTH("123.dkr.ecr.example.com/app:1",
		   "{\"username\":\"AWS\",\"password\":\"ecr-token\",\"serveraddress\":\"123.dkr.ecr.example.com\"}");
	char *log = calls(e.dir);
	CHECK_STR_EQ(log, "ecr get 123.dkr.ecr.example.com\n");
	free(log);
	/* credHelpers names the helper; "<token>" is an identity token; not found: nothing from it */
	CHECK_AUTH("other.example.com/app", "{}");
	/* 2. credsStore, with the email docker login left in auths */
	CHECK_AUTH("registry.example.com/team/app:1.4",
		   "{\"username\":\"desk\",\"password\":\"d-pw\",\"email\":\"me@example.com\","
		   "\"serveraddress\":\"registry.example.com\"}");
	/* Docker Hub under docker's IndexServer key; the "docker.io" entry is not it */
	CHECK_AUTH("nginx", "{\"username\":\"hubuser\",\"password\":\"h-pw\",\"serveraddress\":\"https://index.docker.io/v1/\"}");
	CHECK_AUTH("docker.io/library/nginx:1",
		   "{\"username\":\"hubuser\",\"password\":\"h-pw\",\"serveraddress\":\"https://index.docker.io/v1/\"}");
	/* the store has nothing: tokens from the file stay, as in docker */
	CHECK_AUTH("tokens.example.com/app", "{\"registrytoken\":\"rtok\"}");
	/* once per registry: the lookups above ran each helper once */
	log = calls(e.dir);
	CHECK_STR_EQ(log, "pass get other.example.com\ndesktop get registry.example.com\n"
			    "desktop get https://index.docker.io/v1/\ndesktop get tokens.example.com\n");
	free(log);
	CHECK_AUTH("registry.example.com/other:2",
		   "{\"username\":\"desk\",\"password\":\"d-pw\",\"email\":\"me@example.com\","
		   "\"serveraddress\":\"registry.example.com\"}");
	log = calls(e.dir);
	CHECK_STR_EQ(log, "");
	free(log);

	CHECK(regauth_configured("123.dkr.ecr.example.com/app"));    /* credHelpers */
	CHECK(regauth_configured("registry.example.com/app"));       /* auths */
	CHECK(regauth_configured("other.example.com/app"));          /* both */
	CHECK(regauth_configured("busybox"));                        /* auths https://index.docker.io/v1/ */
	CHECK(!regauth_configured("unknown.example.com/app"));       /* only the credsStore */
	env_stop(&e);
}

void test_regauth__the_file_store(void)
{
	struct env e;
	env_start(&e, "{\"auths\": {\"127.0.0.1:5999\": {\"auth\": \"dXNlcjpwYXNz\"},\n"
		      "           \"https://legacy.example.com/v1/\": {\"auth\": \"bGVnOmxlZy1wdw==\"},\n"
		      "           \"tokens.example.com\": {\"identitytoken\": \"tok\", \"email\": \"t@example.com\"},\n"
		      "           \"docker.io\": {\"auth\": \"bm86bm8=\"}},\n"
		      " \"credHelpers\": {\"helped.example.com\": \"pass\"}}");
	/* the captured header of the research notes */
	char *h = regauth_header("127.0.0.1:5999/app:1");
	CHECK_STR_EQ(h, "eyJ1c2VybmFtZSI6InVzZXIiLCJwYXNzd29yZCI6InBhc3MiLCJzZXJ2ZXJhZGRyZXNzIjoiMTI3LjAuMC4xOjU5OTkifQ==");
	free(h);
	/* a legacy key with scheme and path matches by host; serveraddress is the key as written */
	CHECK_AUTH("legacy.example.com/app",
		   "{\"username\":\"leg\",\"password\":\"leg-pw\",\"serveraddress\":\"https://legacy.example.com/v1/\"}");
	CHECK_AUTH("tokens.example.com/app",
		   "{\"email\":\"t@example.com\",\"serveraddress\":\"tokens.example.com\",\"identitytoken\":\"tok\"}");
	/* Docker Hub is https://index.docker.io/v1/ only, as in docker */
	CHECK_AUTH("busybox", "{}");
	CHECK(!regauth_configured("busybox"));
	/* a credHelpers entry counts for the warning, a registry without entry not */
	CHECK(regauth_configured("helped.example.com/app"));
	CHECK(!regauth_configured("nowhere.example.com/app"));
	/* the helper's identity token */
	CHECK_AUTH("helped.example.com/app", "{\"serveraddress\":\"helped.example.com\",\"identitytoken\":\"id-token\"}");
	env_stop(&e);
}

void test_regauth__failures_name_the_helper(void)
{
	struct env e;
	env_start(&e, "{\"credHelpers\": {\"a.example.com\": \"broken\", \"b.example.com\": \"nope\",\n"
		      "                 \"c.example.com\": \"garbage\"},\n"
		      " \"auths\": {\"d.example.com\": {\"auth\": \"bm9jb2xvbg==\"}}}");
	char *conf = xstrfmt("%s/config.json", e.dir);
	char *want = xstrfmt("docker-credential-broken (credHelpers of %s) failed for a.example.com: exited with "
			     "status 1: error: the keychain is locked", conf);
	CHECK_AUTH("a.example.com/app", want);
	free(want);
	want = xstrfmt("docker-credential-nope (credHelpers of %s) failed for b.example.com: cannot run "
		       "docker-credential-nope: No such file or directory", conf);
	CHECK_AUTH("b.example.com/app", want);
	free(want);
	/* what a helper printed is not echoed when it is not its JSON: it may hold the secret */
	want = xstrfmt("docker-credential-garbage (credHelpers of %s) failed for c.example.com: its answer is not "
		       "the JSON of a credential", conf);
	CHECK_AUTH("c.example.com/app", want);
	free(want);
	char *log = calls(e.dir);
	CHECK(strstr(log, "garbage get c.example.com") != NULL);
	free(log);
	want = xstrfmt("%s: auths[\"d.example.com\"].auth is not the base64 of user:password", conf);
	CHECK_AUTH("d.example.com/app", want);
	free(want);
	/* regauth_header never fails */
	char *h = regauth_header("a.example.com/app");
	CHECK_STR_EQ(h, "e30=");
	free(h);

	test_write_file(e.dir, "config.json", "{\"auths\": ");
	char *got = lookup("busybox");
	CHECK(!strncmp(got, "cannot read the docker configuration ", 37));
	CHECK(strstr(got, "config.json: ") != NULL);
	free(got);
	CHECK(!regauth_configured("busybox"));
	/* no configuration at all: nothing, without error */
	unlink(conf);
	CHECK_AUTH("busybox", "{}");
	free(conf);
	env_stop(&e);
}
