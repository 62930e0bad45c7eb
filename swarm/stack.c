/* Stack listing helpers and docker's table rows; see stack.h. */
#include "swarm/stack.h"

#include "base/sbuf.h"
#include "base/xalloc.h"
#include "swarm/engine.h"
#include "swarm/live.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const kind_name[] = {
	[KIND_NETWORK] = "network", [KIND_SECRET] = "secret", [KIND_CONFIG] = "config",
	[KIND_SERVICE] = "service", [KIND_TASK] = "task",
};

static const char *const kind_path[] = {
	[KIND_NETWORK] = "/networks", [KIND_SECRET] = "/secrets", [KIND_CONFIG] = "/configs",
	[KIND_SERVICE] = "/services", [KIND_TASK] = "/tasks",
};

const char *stack_kind_name(enum stack_kind kind)
{
	return kind_name[kind];
}

static const char *str_at(const json_t *v, const char *k1, const char *k2, const char *k3);

/* ---- listing ---- */

int stack_list(struct json_t **out, struct engine *e, enum stack_kind kind, const char *stack,
	       const struct json_t *extra, const char *query, struct sbuf *err)
{
	json_t *filters = json_object(), *label = json_object();
	struct sbuf path = SBUF_INIT;
	int ret = -1;
	json_t *resp = NULL;
	*out = NULL;

	if (stack) {
		char *l = xstrfmt("%s=%s", LABEL_NAMESPACE, stack);
		json_object_set_new(label, l, json_true());
		free(l);
	} else {
		json_object_set_new(label, LABEL_NAMESPACE, json_true());
	}
	json_object_set_new(filters, "label", label);
	const char *key;
	json_t *values;
	json_object_foreach((json_t *)extra, key, values) {
		json_t *have = json_object_get(filters, key);
		if (have)
			json_object_update(have, values);
		else
			json_object_set(filters, key, values);
	}
	sb_printf(&path, "%s?filters=", kind_path[kind]);
	engine_put_filters(&path, filters);
	if (query)
		sb_printf(&path, "&%s", query);

	if (engine_get(e, path.buf, NULL, &resp, err))
		goto done;
	if (!json_is_array(resp)) {
		sb_printf(err, "GET %s: expected a list from the Engine", kind_path[kind]);
		goto done;
	}
	*out = resp;
	resp = NULL;
	ret = 0;
done:
	json_decref(resp);
	json_decref(filters);
	sbuf_release(&path);
	return ret;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

int stack_add_filter(struct json_t *filters, const char *arg, struct sbuf *err)
{
	const char *eq = strchr(arg, '=');
	if (!eq) {
		sb_puts(err, "bad format of filter (expected name=value): ");
		sb_repr(err, arg, strlen(arg), 60);
		return -1;
	}
	const char *k = arg, *v = eq + 1;
	size_t kn = (size_t)(eq - arg), vn = strlen(v);
	trim(&k, &kn);
	trim(&v, &vn);
	char *key = xstrndup(k, kn), *val = xstrndup(v, vn);
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	json_t *set = json_object_get(filters, key);
	if (!set) {
		set = json_object();
		json_object_set_new(filters, key, set);
	}
	json_object_set_new(set, val, json_true());
	free(key);
	free(val);
	return 0;
}

int stack_task_state_stopped(const char *state)
{
	static const char *const past_running[] = { "complete", "shutdown", "failed",
						    "rejected", "remove",   "orphaned" };
	for (size_t i = 0; i < ARRAY_SIZE(past_running); i++)
		if (!strcmp(state, past_running[i]))
			return 1;
	return 0;
}

static size_t count_running(const json_t *tasks)
{
	size_t i, n = 0;
	json_t *t;
	json_array_foreach((json_t *)tasks, i, t) {
		if (!stack_task_state_stopped(str_at(t, "Status", "State", NULL)))
			n++;
	}
	return n;
}

int stack_wait_tasks_stopped(struct engine *e, const char *stack, long timeout_ms,
			     struct sbuf *err)
{
	struct timespec t0, t;
	long interval = 100;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		json_t *tasks;
		if (stack_list(&tasks, e, KIND_TASK, stack, NULL, NULL, err))
			return -1;
		size_t n = count_running(tasks);
		json_decref(tasks);
		if (!n)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t);
		long spent = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= timeout_ms) {
			sb_printf(err, "%zu task%s of stack %s still running after %lds", n,
				  n == 1 ? "" : "s", stack, timeout_ms / 1000);
			return -1;
		}
		long nap = interval < timeout_ms - spent ? interval : timeout_ms - spent;
		struct timespec ts = { nap / 1000, (nap % 1000) * 1000000 };
		nanosleep(&ts, NULL);
		interval = interval * 2 > 1000 ? 1000 : interval * 2;
	}
}

/* ---- ordering ---- */

int stack_natural_cmp(const char *a, const char *b)
{
	size_t i = 0, j = 0, la = strlen(a), lb = strlen(b);
	while (i < la && j < lb) {
		int da = isdigit((unsigned char)a[i]), db = isdigit((unsigned char)b[j]);
		if (!da != !db)
			return da ? -1 : 1; /* digits sort before other characters */
		if (!da) {
			if (a[i] != b[j])
				return (unsigned char)a[i] < (unsigned char)b[j] ? -1 : 1;
			i++, j++;
			continue;
		}
		while (i < la && a[i] == '0')
			i++;
		while (j < lb && b[j] == '0')
			j++;
		size_t za = i, zb = j;
		while (i < la && isdigit((unsigned char)a[i]))
			i++;
		while (j < lb && isdigit((unsigned char)b[j]))
			j++;
		if (i - za != j - zb)
			return i - za < j - zb ? -1 : 1;
		int c = memcmp(a + za, b + zb, i - za);
		if (c)
			return c < 0 ? -1 : 1;
		if (za != zb) /* fewer leading zeros first */
			return za < zb ? -1 : 1;
	}
	/* equal so far: the shorter string first (Go compares the full lengths) */
	return la < lb ? -1 : la > lb;
}

/* ---- tables ---- */

void stack_table_init(struct stack_table *t, size_t ncols)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
}

void stack_table_add(struct stack_table *t, const char *cell)
{
	ALLOC_GROW(t->cells, t->nr + 1, t->alloc);
	t->cells[t->nr++] = xstrdup(cell ? cell : "");
}

static size_t runes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

void stack_table_print(const struct stack_table *t, FILE *out)
{
	size_t rows = t->nr / t->ncols;
	size_t *width = xcalloc(t->ncols, sizeof(*width));
	for (size_t c = 0; c + 1 < t->ncols; c++) {
		width[c] = 10;
		for (size_t r = 0; r < rows; r++) {
			size_t w = runes(t->cells[r * t->ncols + c]) + 3;
			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t r = 0; r < rows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *cell = t->cells[r * t->ncols + c];
			fputs(cell, out);
			if (c + 1 < t->ncols)
				fprintf(out, "%*s", (int)(width[c] - runes(cell)), "");
		}
		fputc('\n', out);
	}
	free(width);
}

void stack_table_release(struct stack_table *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->cells[i]);
	free(t->cells);
	stack_table_init(t, t->ncols);
}

/* ---- field access on replies (a wrong shape reads as absent) ---- */

/* live_str(), with "" for absent */
static const char *str_at(const json_t *v, const char *k1, const char *k2, const char *k3)
{
	const char *s = live_str(v, k1, k2, k3);
	return s ? s : "";
}

static json_int_t int_of(const json_t *v)
{
	return json_is_integer(v) ? json_integer_value(v) : 0;
}

static const char *short_id(char buf[13], const char *id)
{
	const char *colon = strchr(id, ':');
	if (colon)
		id = colon + 1;
	snprintf(buf, 13, "%s", id);
	return buf;
}

static char *strip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return strncmp(s, prefix, n) ? NULL : (char *)s + n;
}

static int valid_tag(const char *t)
{
	size_t n = strlen(t);
	if (!n || n > 128 || !(isalnum((unsigned char)*t) || *t == '_'))
		return 0;
	for (; *t; t++)
		if (!isalnum((unsigned char)*t) && !strchr("_.-", *t))
			return 0;
	return 1;
}

static int valid_name(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (isupper((unsigned char)s[i]) || isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * The image as docker's tables show it: a tagged reference in familiar form
 * without its digest (docker.io/library/nginx:1@sha256:… → nginx:1); anything
 * else (no tag, unparsable) as it is.
 */
static void put_image(struct sbuf *sb, const char *image)
{
	size_t n = strcspn(image, "@");
	const char *slash = memrchr(image, '/', n);
	const char *base = slash ? slash + 1 : image;
	const char *colon = memrchr(base, ':', (size_t)(image + n - base));
	char *tag = colon ? xstrndup(colon + 1, n - (size_t)(colon + 1 - image)) : NULL;
	if (!tag || !valid_tag(tag) || !valid_name(image, (size_t)(colon - image))) {
		sb_puts(sb, image);
		free(tag);
		return;
	}
	char *name = xstrndup(image, (size_t)(colon - image));
	const char *fam = name, *rest;
	if ((rest = strip_prefix(name, "docker.io/")) || (rest = strip_prefix(name, "index.docker.io/"))) {
		const char *lib = strip_prefix(rest, "library/");
		fam = lib && !strchr(lib, '/') ? lib : rest;
	}
	sb_printf(sb, "%s:%s", fam, tag);
	free(name);
	free(tag);
}

/* ---- stack ls ---- */

struct count {
	const char *name;
	size_t n;
};

static int count_cmp(const void *a, const void *b)
{
	return stack_natural_cmp(((const struct count *)a)->name, ((const struct count *)b)->name);
}

void stack_ls_rows(struct stack_table *t, const struct json_t *services)
{
	struct count *c = NULL;
	size_t nr = 0, alloc = 0, i, k;
	json_t *s;
	json_array_foreach((json_t *)services, i, s) {
		const char *ns = live_str(s, "Spec", "Labels", LABEL_NAMESPACE);
		if (!ns)
			continue;
		for (k = 0; k < nr && strcmp(c[k].name, ns); k++)
			;
		if (k == nr) {
			ALLOC_GROW(c, nr + 1, alloc);
			c[nr++] = (struct count){ ns, 0 };
		}
		c[k].n++;
	}
	if (nr)
		qsort(c, nr, sizeof(*c), count_cmp);
	stack_table_add(t, "NAME");
	stack_table_add(t, "SERVICES");
	stack_table_add(t, "ORCHESTRATOR");
	for (k = 0; k < nr; k++) {
		char num[32];
		snprintf(num, sizeof(num), "%zu", c[k].n);
		stack_table_add(t, c[k].name);
		stack_table_add(t, num);
		stack_table_add(t, "Swarm");
	}
	free(c);
}

/* ---- stack services ---- */

static const char *service_mode(const json_t *spec)
{
	const json_t *mode = json_object_get(spec, "Mode");
	if (json_object_get(mode, "Global"))
		return "global";
	if (json_object_get(mode, "Replicated"))
		return "replicated";
	if (json_object_get(mode, "ReplicatedJob"))
		return "replicated job";
	if (json_object_get(mode, "GlobalJob"))
		return "global job";
	return "";
}

static void put_replicas(struct sbuf *sb, const json_t *svc)
{
	const json_t *st = json_object_get(svc, "ServiceStatus"), *spec = json_object_get(svc, "Spec");
	json_int_t run = int_of(json_object_get(st, "RunningTasks"));
	json_int_t want = int_of(json_object_get(st, "DesiredTasks"));
	json_int_t done = int_of(json_object_get(st, "CompletedTasks"));
	const json_t *mode = json_object_get(spec, "Mode");
	const json_t *rjob = json_object_get(mode, "ReplicatedJob");
	json_int_t maxr = int_of(json_object_get(
		json_object_get(json_object_get(spec, "TaskTemplate"), "Placement"), "MaxReplicas"));
	if (rjob)
		sb_printf(sb, "%lld/%lld (%lld/%lld completed)", run, want, done,
			  int_of(json_object_get(rjob, "TotalCompletions")));
	else if (json_object_get(mode, "GlobalJob"))
		sb_printf(sb, "%lld/%lld (%lld/%lld completed)", run, want, done, want + done);
	else if (!strcmp(service_mode(spec), "replicated") && maxr > 0)
		sb_printf(sb, "%lld/%lld (max %lld per node)", run, want, maxr);
	else
		sb_printf(sb, "%lld/%lld", run, want);
}

struct port {
	const char *proto, *mode;
	json_int_t pub, target;
};

/*
 * Ingress ports, consecutive ones collapsed into ranges ("*:9000-9002->9000-9002/udp"),
 * in the order docker's sort leaves them: its comparison orders by published port
 * within a protocol and calls ports of different protocols equal, under Go's
 * insertion sort (used for up to 12 elements).
 */
static void put_service_ports(struct sbuf *sb, const json_t *svc)
{
	const json_t *list = json_object_get(json_object_get(svc, "Endpoint"), "Ports");
	size_t n = json_array_size(list), i, j;
	struct port *p = xcalloc(n ? n : 1, sizeof(*p));
	for (i = 0; i < n; i++) {
		const json_t *x = json_array_get(list, i);
		p[i] = (struct port){ str_at(x, "Protocol", NULL, NULL), str_at(x, "PublishMode", NULL, NULL),
				      int_of(json_object_get(x, "PublishedPort")),
				      int_of(json_object_get(x, "TargetPort")) };
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && !strcmp(p[j].proto, p[j - 1].proto) && p[j].pub < p[j - 1].pub; j--) {
			struct port tmp = p[j];
			p[j] = p[j - 1];
			p[j - 1] = tmp;
		}
	struct {
		json_int_t ps, pe, ts, te;
		const char *proto;
	} r = { 0, 0, 0, 0, "" };
	int first = 1;
	for (i = 0; i <= n; i++) {
		int flush = i == n;
		if (!flush) {
			if (strcmp(p[i].mode, "ingress"))
				continue;
			int is_range = r.te != r.ts;
			flush = strcmp(p[i].proto, r.proto) || !(p[i].pub == r.pe || p[i].pub == r.pe + 1) ||
				!(p[i].target == r.te || p[i].target == r.te + 1) ||
				(is_range && p[i].target <= r.te);
			if (!flush) {
				r.pe = p[i].pub;
				r.te = p[i].target;
				continue;
			}
		}
		if (r.ps > 0) {
			sb_puts(sb, first ? "*:" : ", *:");
			first = 0;
			if (r.pe > r.ps)
				sb_printf(sb, "%lld-%lld", r.ps, r.pe);
			else
				sb_printf(sb, "%lld", r.ps);
			if (r.te > r.ts)
				sb_printf(sb, "->%lld-%lld/%s", r.ts, r.te, r.proto);
			else
				sb_printf(sb, "->%lld/%s", r.ts, r.proto);
		}
		if (i < n) {
			r.ps = r.pe = p[i].pub;
			r.ts = r.te = p[i].target;
			r.proto = p[i].proto;
		}
	}
	free(p);
}

static int service_cmp(const void *a, const void *b)
{
	return stack_natural_cmp(str_at(*(json_t *const *)a, "Spec", "Name", NULL),
				 str_at(*(json_t *const *)b, "Spec", "Name", NULL));
}

void stack_services_rows(struct stack_table *t, const struct json_t *services, int quiet)
{
	size_t n = json_array_size(services), i;
	json_t **v = xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = json_array_get(services, i);
	qsort(v, n, sizeof(*v), service_cmp);
	if (!quiet) {
		static const char *const head[] = { "ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS" };
		for (i = 0; i < ARRAY_SIZE(head); i++)
			stack_table_add(t, head[i]);
	}
	struct sbuf sb = SBUF_INIT;
	char id[13];
	for (i = 0; i < n; i++) {
		const json_t *spec = json_object_get(v[i], "Spec");
		stack_table_add(t, short_id(id, str_at(v[i], "ID", NULL, NULL)));
		if (quiet)
			continue;
		stack_table_add(t, str_at(spec, "Name", NULL, NULL));
		stack_table_add(t, service_mode(spec));
		sbuf_reset(&sb);
		put_replicas(&sb, v[i]);
		stack_table_add(t, sb.buf);
		sbuf_reset(&sb);
		put_image(&sb, str_at(spec, "TaskTemplate", "ContainerSpec", "Image"));
		stack_table_add(t, sb.buf);
		sbuf_reset(&sb);
		put_service_ports(&sb, v[i]);
		stack_table_add(t, sb.buf);
	}
	sbuf_release(&sb);
	free(v);
}

/* ---- stack ps ---- */

/* RFC 3339 with optional fraction, UTC as the Engine writes it; 0 on a bad value. */
static void parse_time(const char *s, time_t *sec, long *nsec)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	*sec = 0;
	*nsec = 0;
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return;
	long ns = 0, scale = 100000000;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
			ns += (*p - '0') * scale;
	*sec = timegm(&tm);
	*nsec = ns;
}

/* go-units' HumanDuration, lower-cased as docker's task table prints it. */
static void put_human_duration(struct sbuf *sb, double d)
{
	long long secs = (long long)d;
	if (secs < 1)
		sb_puts(sb, "less than a second");
	else if (secs == 1)
		sb_puts(sb, "1 second");
	else if (secs < 60)
		sb_printf(sb, "%lld seconds", secs);
	else if ((long long)(d / 60) == 1)
		sb_puts(sb, "about a minute");
	else if ((long long)(d / 60) < 60)
		sb_printf(sb, "%lld minutes", (long long)(d / 60));
	else {
		long long h = (long long)(d / 3600 + 0.5); /* go-units: int(d.Hours() + 0.5) */
		if (h == 1)
			sb_puts(sb, "about an hour");
		else if (h < 48)
			sb_printf(sb, "%lld hours", h);
		else if (h < 24 * 7 * 2)
			sb_printf(sb, "%lld days", h / 24);
		else if (h < 24 * 30 * 2)
			sb_printf(sb, "%lld weeks", h / 24 / 7);
		else if (h < 24 * 365 * 2)
			sb_printf(sb, "%lld months", h / 24 / 30);
		else
			sb_printf(sb, "%lld years", (long long)(d / 3600) / 24 / 365);
	}
}

static void put_pretty(struct sbuf *sb, const char *s)
{
	if (*s) {
		sb_putc(sb, toupper((unsigned char)*s));
		sb_puts(sb, s + 1);
	}
}

/* formatter.Ellipsis for the error column: at most 30 runes, "…" marking a cut. */
static void put_ellipsis(struct sbuf *sb, const char *s, size_t max)
{
	if (runes(s) <= max) {
		sb_puts(sb, s);
		return;
	}
	size_t k = 0;
	const char *p = s;
	for (; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && k++ == max - 1)
			break;
	}
	sb_put(sb, s, (size_t)(p - s));
	sb_puts(sb, "\xe2\x80\xa6");
}

struct task {
	const json_t *t;
	char *name;
	time_t created;
	long created_ns;
	size_t index;
};

static int task_cmp(const void *a, const void *b)
{
	const struct task *x = a, *y = b;
	int c = stack_natural_cmp(x->name, y->name);
	if (c)
		return c;
	if (x->created != y->created) /* newest first */
		return x->created > y->created ? -1 : 1;
	if (x->created_ns != y->created_ns)
		return x->created_ns > y->created_ns ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Name of the object with this ID in a list reply (services: Spec.Name; nodes:
 * Spec.Name, else Description.Hostname); the ID itself when not found. */
static const char *resolve(const json_t *list, const char *id, int node)
{
	size_t i;
	json_t *x;
	json_array_foreach((json_t *)list, i, x) {
		if (strcmp(str_at(x, "ID", NULL, NULL), id))
			continue;
		const char *name = str_at(x, "Spec", "Name", NULL);
		if (!*name && node)
			name = str_at(x, "Description", "Hostname", NULL);
		return *name ? name : id;
	}
	return id;
}

void stack_ps_rows(struct stack_table *t, const struct json_t *tasks, const struct json_t *services,
		   const struct json_t *nodes, int flags, double now)
{
	int trunc = !(flags & STACK_PS_NO_TRUNC), res = !(flags & STACK_PS_NO_RESOLVE);
	size_t n = json_array_size(tasks), i;
	struct task *v = xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		const json_t *x = json_array_get(tasks, i);
		const char *sid = str_at(x, "ServiceID", NULL, NULL);
		const char *svc = res ? resolve(services, sid, 0) : sid;
		json_int_t slot = int_of(json_object_get(x, "Slot"));
		v[i].t = x;
		v[i].index = i;
		v[i].name = slot ? xstrfmt("%s.%lld", svc, slot)
				 : xstrfmt("%s.%s", svc, str_at(x, "NodeID", NULL, NULL));
		parse_time(str_at(x, "CreatedAt", NULL, NULL), &v[i].created, &v[i].created_ns);
	}
	qsort(v, n, sizeof(*v), task_cmp);

	if (!(flags & STACK_PS_QUIET)) {
		static const char *const head[] = { "ID",	     "NAME",	      "IMAGE", "NODE",
						    "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS" };
		for (i = 0; i < ARRAY_SIZE(head); i++)
			stack_table_add(t, head[i]);
	}
	struct sbuf sb = SBUF_INIT;
	char id[13];
	for (i = 0; i < n; i++) {
		const json_t *x = v[i].t, *status = json_object_get(x, "Status");
		const char *tid = str_at(x, "ID", NULL, NULL);
		stack_table_add(t, trunc ? short_id(id, tid) : tid);
		if (flags & STACK_PS_QUIET)
			continue;
		sbuf_reset(&sb);
		if (i && !strcmp(v[i].name, v[i - 1].name))
			sb_puts(&sb, " \\_ ");
		sb_puts(&sb, v[i].name);
		stack_table_add(t, sb.buf);

		const char *image = str_at(x, "Spec", "ContainerSpec", "Image");
		sbuf_reset(&sb);
		if (trunc)
			put_image(&sb, image);
		else
			sb_puts(&sb, image);
		stack_table_add(t, sb.buf);

		const char *node = str_at(x, "NodeID", NULL, NULL);
		stack_table_add(t, res && *node ? resolve(nodes, node, 1) : node);

		sbuf_reset(&sb);
		put_pretty(&sb, str_at(x, "DesiredState", NULL, NULL));
		stack_table_add(t, sb.buf);

		time_t ts;
		long tns;
		parse_time(str_at(status, "Timestamp", NULL, NULL), &ts, &tns);
		sbuf_reset(&sb);
		put_pretty(&sb, str_at(status, "State", NULL, NULL));
		sb_putc(&sb, ' ');
		put_human_duration(&sb, now - (double)ts - tns / 1e9);
		sb_puts(&sb, " ago");
		stack_table_add(t, sb.buf);

		const char *e = str_at(status, "Err", NULL, NULL);
		sbuf_reset(&sb);
		if (*e) {
			sb_putc(&sb, '"');
			if (trunc)
				put_ellipsis(&sb, e, 30);
			else
				sb_puts(&sb, e);
			sb_putc(&sb, '"');
		}
		stack_table_add(t, sb.buf);

		const json_t *ports = json_object_get(json_object_get(status, "PortStatus"), "Ports");
		size_t k;
		json_t *p;
		sbuf_reset(&sb);
		json_array_foreach((json_t *)ports, k, p) {
			sb_printf(&sb, "%s*:%lld->%lld/%s", k ? "," : "",
				  int_of(json_object_get(p, "PublishedPort")),
				  int_of(json_object_get(p, "TargetPort")), str_at(p, "Protocol", NULL, NULL));
		}
		stack_table_add(t, sb.buf);
	}
	for (i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	sbuf_release(&sb);
}
