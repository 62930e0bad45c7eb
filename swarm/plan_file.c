/* Saved plans; see plan_file.h for the contract. */
#include "swarm/plan_file.h"
#include "swarm/plan_internal.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/convert.h"
#include "swarm/engine.h"
#include "swarm/fingerprint.h"
#include "swarm/stack.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const actions[] = { "create", "update", "unchanged", "remove" };
static const char *const endpoints[] = { "networks", "secrets", "configs", "services" };

/* ---- writing ---- */

/* A body with its secret data replaced by a reference to its file; NULL with *err on failure. */
static json_t *saved_body(const struct plan_item *it, struct sbuf *err)
{
	json_t *body = json_deep_copy(it->body);
	const char *data = json_string_value(json_object_get(body, "Data"));
	if (it->kind != KIND_SECRET || !data)
		return body;
	char *abs = it->want && it->want->file ? realpath(it->want->file, NULL) : NULL;
	if (!abs) {
		sb_printf(err, "secret %s: cannot name its file in a saved plan: %s", it->name,
			  it->want && it->want->file ? strerror(errno) : "it has none");
		json_decref(body);
		return NULL;
	}
	char *fp = fingerprint_new(KIND_SECRET, data);
	json_object_set_new(body, "DataFrom", json_pack("{s:s,s:s}", "file", abs, "fingerprint", fp));
	json_object_del(body, "Data");
	free(fp);
	free(abs);
	return body;
}

int plan_file_write(const struct plan *p, const char *path, struct sbuf *err)
{
	int rc = -1;
	json_t *root = json_pack("{s:s,s:s}", "format", PLAN_FILE_FORMAT, "stack", p->stack);
	json_t *changes = json_array();
	json_object_set_new(root, "changes", changes);
	json_object_set_new(root, "summary", plan_summary_json(p));
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		json_t *o = plan_item_json(p, it);
		json_array_append_new(changes, o);
		json_object_set_new(o, "version", json_integer(it->version));
		if (it->ref_name)
			json_object_set_new(o, "ref_name", json_string(it->ref_name));
		if (it->generation)
			json_object_set_new(o, "generation", json_integer(it->generation));
		if (it->image_label)
			json_object_set_new(o, "image_label", json_string(it->image_label));
		if (it->body) {
			json_t *body = saved_body(it, err);
			if (!body)
				goto done;
			json_object_set_new(o, "body", body);
		}
	}
	char *tmp = xstrfmt("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		sb_printf(err, "cannot write %s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		json_dumpf(root, f, JSON_INDENT(2));
		fputc('\n', f);
		if (ferror(f) | fclose(f) || rename(tmp, path))
			sb_printf(err, "cannot write %s: %s", path, strerror(errno));
		else
			rc = 0;
	}
	if (rc)
		unlink(tmp);
	free(tmp);
done:
	json_decref(root);
	return rc;
}

/* ---- reading ---- */

static int lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

static int kind_of(const char *s)
{
	for (int k = 0; s && k < DEPLOYED_KINDS; k++)
		if (!strcmp(stack_kind_name((enum stack_kind)k), s))
			return k;
	return -1;
}

/* A saved secret body gets its data again from its file: 0, PLAN_FILE_DRIFT (message in err). */
static int restore_data(const char *name, json_t *body, struct sbuf *err)
{
	json_t *from = json_object_get(body, "DataFrom");
	if (!from)
		return 0;
	const char *file = json_string_value(json_object_get(from, "file"));
	const char *fp = json_string_value(json_object_get(from, "fingerprint"));
	char *data = file ? convert_file_data(file, CONVERT_SECRET_MAX_BYTES) : NULL;
	int rc = 0;
	if (!data) {
		sb_printf(err, "secret %s: cannot read its file %s: %s\n", name, file ? file : "(none)",
			  file ? strerror(errno) : "the plan names none");
		rc = PLAN_FILE_DRIFT;
	} else if (fingerprint_matches(fp, data) != 1) {
		sb_printf(err, "secret %s: its file %s changed since the plan\n", name, file);
		rc = PLAN_FILE_DRIFT;
	} else {
		json_object_set_new(body, "Data", json_string(data));
		json_object_del(body, "DataFrom");
	}
	if (data) {
		explicit_bzero(data, strlen(data));
		free(data);
	}
	return rc;
}

/* One saved change as a plan item; -1 when it is not one. */
static int read_item(struct plan *p, json_t *o, struct sbuf *drift)
{
	int action = lookup(actions, ARRAY_SIZE(actions), json_string_value(json_object_get(o, "action")));
	int kind = kind_of(json_string_value(json_object_get(o, "kind")));
	const char *name = json_string_value(json_object_get(o, "name"));
	json_t *body = json_object_get(o, "body");
	if (action < 0 || kind < 0 || !name || (body && !json_is_object(body)) ||
	    ((action == PLAN_CREATE || action == PLAN_UPDATE) && !body))
		return -1;
	struct plan_item *it = plan_add_item(p, (enum stack_kind)kind, (enum plan_action)action, name);
	const char *id = json_string_value(json_object_get(o, "id"));
	it->id = id ? xstrdup(id) : NULL;
	it->version = json_integer_value(json_object_get(o, "version"));
	it->ref_name = json_string_value(json_object_get(o, "ref_name"));
	it->generation = (int)json_integer_value(json_object_get(o, "generation"));
	it->image_label = json_string_value(json_object_get(o, "image_label"));
	it->drift = json_is_true(json_object_get(o, "drift"));
	it->after_converge = json_is_true(json_object_get(o, "after_converge"));
	it->reason = json_string_value(json_object_get(o, "reason"));
	json_t *rot = json_object_get(o, "rotation");
	if (rot) {
		it->rotate = 1;
		it->reason = json_string_value(json_object_get(rot, "reason"));
	}
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(o, "fields"), i, f) {
		const char *path = json_string_value(json_object_get(f, "path"));
		json_t *old = json_object_get(f, "old"), *new = json_object_get(f, "new");
		plan_add_change(it, path ? path : "", json_is_null(old) ? NULL : old, json_is_null(new) ? NULL : new,
				json_string_value(json_object_get(f, "note")));
	}
	if (body) {
		it->body = json_deep_copy(body);
		return restore_data(name, it->body, drift);
	}
	return 0;
}

int plan_file_read(struct plan *out, const char *path, const char *stack, struct sbuf *err)
{
	memset(out, 0, sizeof(*out));
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	if (!root) {
		sb_printf(err, "cannot read the plan %s: %s", path, je.text);
		return -1;
	}
	out->saved = root;
	const char *format = json_string_value(json_object_get(root, "format"));
	out->stack = json_string_value(json_object_get(root, "stack"));
	if (!format || strcmp(format, PLAN_FILE_FORMAT) || !out->stack) {
		sb_printf(err, "%s is not a plan written by `stackc diff --out` (format %s)", path,
			  PLAN_FILE_FORMAT);
		return -1;
	}
	if (strcmp(out->stack, stack)) {
		sb_printf(err, "%s is a plan for stack %s, not %s", path, out->stack, stack);
		return -1;
	}
	struct sbuf drift = SBUF_INIT;
	int rc = 0;
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(root, "changes"), i, o) {
		int r = read_item(out, o, &drift);
		if (r < 0) {
			sb_printf(err, "%s: change %zu is not one stackc wrote", path, i + 1);
			rc = -1;
			break;
		}
		rc |= r;
	}
	for (size_t k = 0; k < out->n; k++)
		out->count[out->items[k].action]++;
	if (rc >= 0 && drift.len) {
		sbuf_setlen(&drift, drift.len - 1);
		sb_puts(err, drift.buf);
		rc = PLAN_FILE_DRIFT;
	}
	sbuf_release(&drift);
	return rc;
}

/* ---- drift on the swarm ---- */

/*
 * One item against the swarm: nothing appended to drift when it is as the
 * plan saw it; -1 when the Engine failed.
 */
static int check_item(const struct plan_item *it, struct engine *e, struct sbuf *drift, struct sbuf *err)
{
	const char *kind = stack_kind_name(it->kind);
	/* an object the plan creates (or a new generation) must not exist yet */
	int creates = it->action == PLAN_CREATE || it->rotate;
	const char *key = creates ? plan_item_ref(it) : it->id;
	if (!key)
		return 0;
	char *path = xstrfmt("/%s/%s", endpoints[it->kind], key);
	int status = 0;
	json_t *live = NULL;
	int rc = engine_request(e, "GET", path, NULL, NULL, &status, &live, err);
	free(path);
	if (rc)
		return -1;
	if (creates) {
		if (status == 200)
			sb_printf(drift, "%s %s: created since the plan\n", kind, plan_item_ref(it));
	} else if (status == 404) {
		sb_printf(drift, "%s %s: removed since the plan\n", kind, plan_item_ref(it));
	} else if (status == 200 && it->kind != KIND_NETWORK) {
		long long now = json_integer_value(json_object_get(json_object_get(live, "Version"), "Index"));
		if (now != it->version)
			sb_printf(drift, "%s %s: changed since the plan (version %lld, now %lld)\n", kind,
				  plan_item_ref(it), it->version, now);
	}
	if (status != 200 && status != 404) {
		sb_printf(err, "cannot read %s %s: Error response from daemon: %s", kind, plan_item_ref(it),
			  engine_error_message(live));
		rc = -1;
	}
	json_decref(live);
	return rc;
}

int plan_file_check_live(const struct plan *p, struct engine *e, struct sbuf *err)
{
	if (engine_require_manager(e, err))
		return -1;
	struct sbuf drift = SBUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < p->n && !rc; i++)
		rc = check_item(&p->items[i], e, &drift, err);
	if (!rc && drift.len) {
		sbuf_setlen(&drift, drift.len - 1);
		sb_puts(err, drift.buf);
		rc = PLAN_FILE_DRIFT;
	}
	sbuf_release(&drift);
	return rc;
}
