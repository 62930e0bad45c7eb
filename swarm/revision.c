/* Stack revisions as config objects; see swarm/revision.h. */
#include "swarm/revision.h"

#include "base/crypto.h"
#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/engine.h"
#include "swarm/live.h"
#include "swarm/plan.h"
#include "swarm/stack.h"

#include <jansson.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SUMMARY_MAX 200

int revision_is(const json_t *labels)
{
	return json_is_string(json_object_get(labels, LABEL_REVISION));
}

static int by_number_desc(const void *a, const void *b)
{
	const struct revision *x = a, *y = b;
	return (x->number < y->number) - (x->number > y->number);
}

int revision_list(struct revision_list *out, struct engine *e, const char *stack, struct sbuf *err)
{
	json_t *extra = json_pack("{s:{s:b}}", "label", LABEL_REVISION, 1);
	json_t *configs = NULL;
	*out = (struct revision_list){ 0 };
	int rc = stack_list(&configs, e, KIND_CONFIG, stack, extra, NULL, err);
	json_decref(extra);
	if (rc)
		return -1;
	out->raw = configs;
	out->v = xcalloc(json_array_size(configs) + 1, sizeof(*out->v));
	size_t i;
	json_t *c;
	json_array_foreach(configs, i, c) {
		json_t *labels = json_object_get(json_object_get(c, "Spec"), "Labels");
		const char *num = json_string_value(json_object_get(labels, LABEL_REVISION));
		char *end;
		long n = num ? strtol(num, &end, 10) : 0;
		if (!num || *end || n < 1)
			continue; /* not one stackc wrote */
		out->v[out->n++] = (struct revision){
			n,
			live_str(c, "ID", NULL, NULL),
			live_name(c),
			json_string_value(json_object_get(labels, LABEL_REVISION_TIME)),
			json_string_value(json_object_get(labels, LABEL_REVISION_HOST)),
			json_string_value(json_object_get(labels, LABEL_REVISION_USER)),
			json_string_value(json_object_get(labels, LABEL_REVISION_SUMMARY)),
		};
	}
	qsort(out->v, out->n, sizeof(*out->v), by_number_desc);
	return 0;
}

void revision_list_release(struct revision_list *l)
{
	free(l->v);
	json_decref(l->raw);
	*l = (struct revision_list){ 0 };
}

const struct revision *revision_find(const struct revision_list *l, long n)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].number == n)
			return &l->v[i];
	return NULL;
}

int revision_read(json_t **out, struct engine *e, const struct revision *r, struct sbuf *err)
{
	struct sbuf path = SBUF_INIT;
	json_t *config = NULL;
	int ret = -1;
	*out = NULL;
	sb_printf(&path, "/configs/%s", r->id ? r->id : r->name);
	if (engine_get(e, path.buf, NULL, &config, err))
		goto done;
	const char *data = live_str(config, "Spec", "Data", NULL);
	size_t len = data ? strlen(data) : 0;
	unsigned char *raw = xmalloc(3 * len / 4 + 1);
	int n = data ? crypto_base64_decode(raw, data, len) : -1;
	/* the decoder counts padding as zero bytes */
	for (size_t i = len; n > 0 && i > 0 && data[i - 1] == '='; i--)
		n--;
	json_error_t jerr;
	*out = n >= 0 ? json_loadb((const char *)raw, (size_t)n, 0, &jerr) : NULL;
	free(raw);
	if (!json_is_object(*out) || !json_is_string(json_object_get(*out, "compose"))) {
		json_decref(*out);
		*out = NULL;
		sb_printf(err, "config %s is not a revision stackc can read", r->name);
		goto done;
	}
	ret = 0;
done:
	json_decref(config);
	sbuf_release(&path);
	return ret;
}

/* "app:1@sha256:…" → "sha256:…", when the body's image is pinned. */
static const char *body_digest(const json_t *body)
{
	const char *image = live_str(json_object_get(body, "TaskTemplate"), "ContainerSpec", "Image", NULL);
	const char *at = image ? strchr(image, '@') : NULL;
	return at ? at + 1 : NULL;
}

json_t *revision_data(const char *stack, const char *compose, const struct plan *p)
{
	json_t *gens = json_pack("{s:{}, s:{}}", "secrets", "configs");
	json_t *images = json_object();
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		if (!it->want || it->action == PLAN_REMOVE)
			continue;
		if ((it->kind == KIND_SECRET || it->kind == KIND_CONFIG) && !it->want->external) {
			json_object_set_new(json_object_get(gens, it->kind == KIND_SECRET ? "secrets" : "configs"),
					    it->want->key, json_string(plan_item_ref(it)));
		} else if (it->kind == KIND_SERVICE) {
			const char *image = live_str(it->want->spec, "TaskTemplate", "ContainerSpec", "Image");
			const char *digest = body_digest(it->body);
			if (image && digest && !strchr(image, '@'))
				json_object_set_new(images, image, json_string(digest));
		}
	}
	return json_pack("{s:i, s:s, s:s, s:o, s:o}", "stackc-revision", 1, "stack", stack, "compose", compose,
			 "generations", gens, "images", images);
}

/* "; created a, b" for the services of the plan with that action. */
static void summary_names(struct sbuf *s, const struct plan *p, enum plan_action a, const char *verb)
{
	const char *sep = NULL;
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		if (it->kind != KIND_SERVICE || it->action != a)
			continue;
		sb_printf(s, "%s%s", sep ? sep : verb, it->want ? it->want->key : it->name);
		sep = ", ";
	}
}

char *revision_summary(const struct plan *p, const char *prefix)
{
	struct sbuf s = SBUF_INIT;
	size_t services = 0, rotated = 0;
	for (size_t i = 0; i < p->n; i++) {
		services += p->items[i].kind == KIND_SERVICE && p->items[i].action != PLAN_REMOVE;
		rotated += p->items[i].rotate;
	}
	if (prefix)
		sb_printf(&s, "%s; ", prefix);
	sb_printf(&s, "%zu service%s", services, services == 1 ? "" : "s");
	summary_names(&s, p, PLAN_CREATE, "; created ");
	summary_names(&s, p, PLAN_UPDATE, "; updated ");
	summary_names(&s, p, PLAN_REMOVE, "; removed ");
	if (rotated)
		sb_printf(&s, "; %zu rotated", rotated);
	if (s.len > SUMMARY_MAX) {
		s.buf[SUMMARY_MAX - 3] = '\0';
		s.len = SUMMARY_MAX - 3;
		sb_puts(&s, "...");
	}
	return sbuf_detach(&s, NULL);
}

/* RFC 3339, UTC; STACKC_NOW (seconds) fixes "now" for the tests. */
static void now_text(char out[32])
{
	const char *fixed = getenv("STACKC_NOW");
	time_t t = fixed && *fixed ? (time_t)strtoll(fixed, NULL, 10) : time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *user_name(void)
{
	const char *u = getenv("USER");
	if (u && *u)
		return u;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_name ? pw->pw_name : "?";
}

static int remove_config(struct engine *e, const struct revision *r, struct sbuf *err)
{
	char *path = xstrfmt("/configs/%s", r->id ? r->id : r->name);
	json_t *resp = NULL;
	int status = 0;
	int rc = engine_request(e, "DELETE", path, NULL, NULL, &status, &resp, err);
	/* gone already (another run removed it): what we wanted */
	if (!rc && status >= 300 && status != 404) {
		sb_printf(err, "removing revision %s: Error response from daemon: %s", r->name,
			  engine_error_message(resp));
		rc = -1;
	}
	json_decref(resp);
	free(path);
	return rc;
}

int revision_record(long *number, struct engine *e, const char *stack, const json_t *data,
		    const char *summary, long keep, struct sbuf *err)
{
	struct revision_list l;
	json_t *body = NULL, *resp = NULL;
	char *text = NULL, *b64 = NULL, when[32], host[256] = "?", num[32];
	int ret = -1, status = 0;
	*number = 0;
	if (crypto_load(err) || revision_list(&l, e, stack, err))
		return -1;
	long n = l.n ? l.v[0].number + 1 : 1;
	text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	size_t len = strlen(text);
	b64 = xmalloc(CRYPTO_BASE64_LEN(len));
	crypto_base64(b64, text, len);
	now_text(when);
	if (gethostname(host, sizeof(host) - 1))
		strcpy(host, "?");
	snprintf(num, sizeof(num), "%ld", n);
	char *name = xstrfmt("%s_stackc-rev-%ld", stack, n);
	char *ns = xstrdup(stack);
	body = json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:s}", "Name", name, "Labels", LABEL_NAMESPACE,
			 ns, LABEL_REVISION, num, LABEL_REVISION_TIME, when, LABEL_REVISION_HOST, host,
			 LABEL_REVISION_USER, user_name(), LABEL_REVISION_SUMMARY, summary, "Data", b64);
	free(name);
	free(ns);
	if (engine_request(e, "POST", "/configs/create", body, NULL, &status, &resp, err))
		goto done;
	if (status >= 300) {
		sb_printf(err, "recording revision %ld: Error response from daemon: %s", n, engine_error_message(resp));
		goto done;
	}
	*number = n;
	/* the new one is the newest: keep - 1 of the older ones stay */
	for (size_t i = keep > 0 ? (size_t)keep - 1 : 0; i < l.n; i++)
		if (remove_config(e, &l.v[i], err))
			goto done;
	ret = 0;
done:
	json_decref(body);
	json_decref(resp);
	free(text);
	free(b64);
	revision_list_release(&l);
	return ret;
}
