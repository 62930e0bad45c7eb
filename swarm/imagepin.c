/* Image digests: comparing, showing, locking; see imagepin.h for the contract. */
#include "swarm/imagepin.h"

#include "base/diag.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/convert.h"
#include "swarm/live.h"
#include "swarm/plan.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHORT_DIGEST 12

/* The digest of a pinned image ("sha256:…" after the '@'), or NULL. */
static const char *digest_of(const char *image)
{
	const char *at = strchr(image, '@');
	return at ? at + 1 : NULL;
}

static size_t name_len(const char *image)
{
	return strcspn(image, "@");
}

static int same_name(const char *a, const char *b)
{
	size_t n = name_len(a);
	return n == name_len(b) && !strncmp(a, b, n);
}

void imagepin_align(json_t *live_cs, json_t *want_cs, int pin_unpinned)
{
	const char *l = json_string_value(json_object_get(live_cs, "Image"));
	const char *w = json_string_value(json_object_get(want_cs, "Image"));
	if (!l || !w || !same_name(l, w) || (digest_of(l) != NULL) == (digest_of(w) != NULL) ||
	    (pin_unpinned && !digest_of(l)))
		return;
	if (digest_of(l))
		json_object_set_new(want_cs, "Image", json_string(l));
	else
		json_object_set_new(live_cs, "Image", json_string(w));
}

/* "sha256:ab12cd34ef56…" */
static void put_short_digest(FILE *out, const char *digest)
{
	const char *colon = strchr(digest, ':');
	size_t keep = colon ? (size_t)(colon + 1 - digest) + SHORT_DIGEST : SHORT_DIGEST;
	if (strlen(digest) <= keep)
		fputs(digest, out);
	else
		fprintf(out, "%.*s\xe2\x80\xa6", (int)keep, digest);
}

static void put_image(FILE *out, const char *image, int with_digest)
{
	fprintf(out, "%.*s", (int)name_len(image), image);
	if (with_digest && digest_of(image)) {
		fputs(" (", out);
		put_short_digest(out, digest_of(image));
		fputc(')', out);
	}
}

int imagepin_print_change(FILE *out, const char *path, const json_t *old, const json_t *new)
{
	const char *a = json_string_value(old), *b = json_string_value(new);
	if (!a || !b || strcmp(path, "TaskTemplate.ContainerSpec.Image"))
		return 0;
	fputs("  image: ", out);
	if (same_name(a, b)) {
		put_image(out, a, 0);
		fputs(" (", out);
		if (digest_of(a))
			put_short_digest(out, digest_of(a));
		else
			fputs("unpinned", out);
		fputs(" -> ", out);
		if (digest_of(b))
			put_short_digest(out, digest_of(b));
		else
			fputs("unpinned", out);
		fputc(')', out);
	} else {
		put_image(out, a, 1);
		fputs(" -> ", out);
		put_image(out, b, 1);
	}
	fputc('\n', out);
	return 1;
}

/* ---- the lock file ---- */

static int is_digest(const char *s)
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s)
		return 0;
	for (const char *p = s; p < colon; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p))
			return 0;
	size_t hex = strlen(colon + 1);
	if (hex < 32 || strspn(colon + 1, "0123456789abcdef") != hex)
		return 0;
	return strncmp(s, "sha256:", 7) || hex == 64;
}

__attribute__((format(printf, 2, 3)))
static int lock_error(struct run *run, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct sbuf msg = SBUF_INIT;
	int rc = sbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	(void)rc;
	diag_error(&run->diag, (struct pos){ 0 }, NULL, "%s", msg.buf);
	sbuf_release(&msg);
	return -1;
}

/* The image of a service spec that needs a digest (NULL: written with one). */
static const char *image_to_pin(const json_t *spec)
{
	const char *label = live_str(spec, "Labels", LABEL_IMAGE, NULL);
	const char *image = live_str(spec, "TaskTemplate", "ContainerSpec", "Image");
	if (!image || (label && strchr(label, '@')) || strchr(image, '@'))
		return NULL;
	return image;
}

const char *imagepin_locked_digest(const json_t *lock, const char *image)
{
	return json_string_value(json_object_get(lock, image));
}

int imagepin_lock_load(json_t **lock, struct run *run, const char *path, const struct stack_spec *want)
{
	json_error_t jerr;
	*lock = json_load_file(path, 0, &jerr);
	if (!*lock)
		return jerr.line > 0 ? lock_error(run, "lock file %s:%d: %s", path, jerr.line, jerr.text)
				     : lock_error(run, "lock file: %s", jerr.text);
	int bad = !json_is_object(*lock);
	const char *k;
	json_t *v;
	json_object_foreach(*lock, k, v)
		if (!json_is_string(v) || !is_digest(json_string_value(v))) {
			bad = 1;
			break;
		}
	if (bad) {
		json_decref(*lock);
		*lock = NULL;
		return lock_error(run, "lock file %s: expected a JSON object of image -> digest (\"app:1.4\": "
				       "\"sha256:...\"), as deploy --lock writes it", path);
	}
	int missing = 0;
	for (size_t i = 0; i < want->n[KIND_SERVICE]; i++) {
		const struct stack_object *o = &want->v[KIND_SERVICE][i];
		const char *image = image_to_pin(o->spec);
		if (image && !imagepin_locked_digest(*lock, image))
			missing = lock_error(run, "service %s: image %s is not in the lock file %s (deploy --lock %s "
						  "records the digests)", o->key, image, path, path);
	}
	if (missing) {
		json_decref(*lock);
		*lock = NULL;
	}
	return missing;
}

void imagepin_lock_apply(struct live_state *live, const struct stack_spec *want, const json_t *lock)
{
	for (size_t i = 0; i < want->n[KIND_SERVICE]; i++) {
		const json_t *spec = want->v[KIND_SERVICE][i].spec;
		const char *image = live_str(spec, "TaskTemplate", "ContainerSpec", "Image");
		const char *digest = image ? imagepin_locked_digest(lock, image) : NULL;
		if (!digest || strchr(image, '@') || json_object_get(live->digests, image))
			continue;
		char *pinned = xstrfmt("%s@%s", image, digest);
		json_t *platforms = NULL;
		size_t j;
		json_t *ls;
		json_array_foreach(live->services, j, ls) {
			json_t *tt = json_object_get(json_object_get(ls, "Spec"), "TaskTemplate");
			const char *li = live_str(tt, "ContainerSpec", "Image", NULL);
			if (li && !strcmp(li, pinned)) {
				platforms = json_object_get(json_object_get(tt, "Placement"), "Platforms");
				break;
			}
		}
		json_object_set_new(live->digests, image,
				    json_pack("{s:s, s:o}", "Image", pinned, "Platforms",
					      json_is_array(platforms) ? json_incref(platforms) : json_array()));
		free(pinned);
	}
}

int imagepin_lock_make(json_t **lock, struct run *run, const struct plan *p, const char *path)
{
	json_t *l = json_object();
	json_t *who = json_object(); /* image → the first service, for messages */
	int failed = 0;
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		if (it->kind != KIND_SERVICE || !it->body || !it->want || !image_to_pin(it->want->spec))
			continue;
		const char *name = image_to_pin(it->want->spec);
		const char *image = json_string_value(
			json_object_get(json_object_get(json_object_get(it->body, "TaskTemplate"), "ContainerSpec"), "Image"));
		const char *digest = image && same_name(image, name) ? digest_of(image) : NULL;
		if (!digest) {
			failed = lock_error(run, "--lock %s: service %s would run image %s without a digest (its registry "
						 "did not answer; see the warning above), so it cannot be locked",
					    path, it->want->key, name);
			continue;
		}
		const char *had = json_string_value(json_object_get(l, name));
		if (had && strcmp(had, digest)) {
			failed = lock_error(run, "--lock %s: image %s would run with two digests (services %s and %s); "
						 "deploy with --resolve-image always to lock it",
					    path, name, json_string_value(json_object_get(who, name)), it->want->key);
			continue;
		}
		json_object_set_new(l, name, json_string(digest));
		if (!had)
			json_object_set_new(who, name, json_string(it->want->key));
	}
	json_decref(who);
	if (failed) {
		json_decref(l);
		l = NULL;
	}
	*lock = l;
	return failed;
}

int imagepin_lock_write(const json_t *lock, const char *path, struct sbuf *err)
{
	char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int ok = f && !json_dumpf(lock, f, JSON_INDENT(2) | JSON_SORT_KEYS) && fputc('\n', f) != EOF;
	if (f && fclose(f))
		ok = 0;
	if (ok && rename(tmp, path))
		ok = 0;
	if (!ok) {
		sb_printf(err, "cannot write the lock file %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}
