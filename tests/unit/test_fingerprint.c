/* Content fingerprints: salted, memory-hard for secrets; checkable; never the content. */
#include "base/xalloc.h"
#include "swarm/fingerprint.h"
#include "tests/unit/harness.h"

#include <stdlib.h>
#include <string.h>

void test_fingerprint__same_short_secret_differs_but_both_match(void)
{
	/* "pw" and "px" in base64: a short, guessable value */
	char *a = fingerprint_new(KIND_SECRET, "cHc=");
	char *b = fingerprint_new(KIND_SECRET, "cHc=");
	CHECK(!strncmp(a, "scrypt:ln=14,r=8,p=1:", 21));
	/* a random salt per object: equal contents do not show as equal labels */
	CHECK(strcmp(a, b) != 0);
	CHECK(!strstr(a, "cHc"));
	CHECK_INT_EQ(fingerprint_matches(a, "cHc="), 1);
	CHECK_INT_EQ(fingerprint_matches(b, "cHc="), 1);
	/* and a change of content is still seen */
	CHECK_INT_EQ(fingerprint_matches(a, "cHg="), 0);
	CHECK_INT_EQ(fingerprint_matches(a, NULL), 0);
	free(a);
	free(b);
}

void test_fingerprint__configs_name_their_content(void)
{
	char *a = fingerprint_new(KIND_CONFIG, "YWJj"); /* "abc" */
	CHECK_STR_EQ(a, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_INT_EQ(fingerprint_matches(a, "YWJj"), 1);
	CHECK_INT_EQ(fingerprint_matches(a, "YWJk"), 0);
	free(a);
}

void test_fingerprint__labels_it_cannot_check(void)
{
	static const char *const bad[] = {
		"", "md5:00", "scrypt:", "scrypt:ln=14,r=8,p=1:", "scrypt:ln=14,r=8,p=1:c2FsdHNhbHQ=",
		"scrypt:ln=14,r=8,p=1:!!!!:AAAA",
		/* costs a hostile label could use to stall a deploy */
		"scrypt:ln=30,r=8,p=1:c2FsdHNhbHRzYWx0c2FsdA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		"scrypt:ln=14,r=800,p=1:c2FsdHNhbHRzYWx0c2FsdA==:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		/* a key of the wrong length */
		"scrypt:ln=14,r=8,p=1:c2FsdHNhbHRzYWx0c2FsdA==:AAAA",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (fingerprint_matches(bad[i], "cHc=") != -1)
			test_fail(__FILE__, __LINE__, "label %s was checked", bad[i]);
	CHECK_INT_EQ(fingerprint_matches(NULL, "cHc="), -1);
}

void test_fingerprint__legacy_label(void)
{
	/* sha256("st_pw\0djE="), the com.stackc.sha256 label of earlier versions */
	const char *old = "29b6ebe42f48157e07d8089c7c2eef4cec2cff28e0b427f6aac5e5aff189d038";
	CHECK_INT_EQ(fingerprint_legacy_matches(old, "st_pw", "djE="), 1);
	CHECK_INT_EQ(fingerprint_legacy_matches(old, "st_pw", "djI="), 0);
	CHECK_INT_EQ(fingerprint_legacy_matches(old, "st_px", "djE="), 0);
}
