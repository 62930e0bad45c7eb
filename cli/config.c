/* stackc config: print the merged, interpolated, validated stack file. */
#include "cli/cli.h"
#include "project/project.h"
#include "base/diag.h"
#include "base/node.h"
#include "base/run.h"
#include "base/sbuf.h"
#include "base/term.h"
#include "base/xalloc.h"
#include "emit/json.h"
#include "emit/shape.h"
#include "emit/yaml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct command_help help = {
	"config", "[options]",
	"Load, interpolate, merge and validate the compose files and print the result\n"
	"as one stack file, exactly as `docker stack config` prints it.\n",
	"Unlike docker stack, stackc reads .env (or --env-file) for ${VAR} values, follows\n"
	"the compose specification's interpolation grammar (warning where docker would\n"
	"read a value differently) and reports every problem, not only the first.\n",
};

enum format { FORMAT_YAML, FORMAT_JSON };

static const struct opt_choice formats[] = { { "yaml", FORMAT_YAML }, { "json", FORMAT_JSON },
					      { NULL, 0 } };

/* The listing options: one kind of name at a time. */
static const struct listing {
	const char *option, *section;
	int images; /* the services' images instead of their names */
} listings[] = {
	{ "services", "services", 0 }, { "images", "services", 1 }, { "networks", "networks", 0 },
	{ "volumes", "volumes", 0 },   { "secrets", "secrets", 0 }, { "configs", "configs", 0 },
	{ "profiles", NULL, 0 }, /* the project's profiles, not a section */
};
enum { LIST_SERVICES, LIST_IMAGES, LIST_NETWORKS, LIST_VOLUMES, LIST_SECRETS, LIST_CONFIGS,
       LIST_PROFILES, NLISTINGS };

static int cmp_entry(const void *a, const void *b)
{
	const struct node_entry *x = *(const struct node_entry *const *)a;
	const struct node_entry *y = *(const struct node_entry *const *)b;
	size_t xl = strlen(x->key), yl = strlen(y->key);
	return shape_key_less(x->key, xl, y->key, yl) ? -1 : shape_key_less(y->key, yl, x->key, xl);
}

/*
 * The names a listing option prints, in the printed file's order: lines, or
 * with --format json a JSON array of strings. Services without an image are
 * left out of --images.
 */
static void print_listing(struct sbuf *out, struct run *run, const struct project *proj,
			  const struct listing *l, int json)
{
	if (!l->section) {
		struct node *list = node_new_seq(&run->arena, POS_NONE);
		for (size_t i = 0; i < proj->nprofiles; i++)
			if (json)
				node_seq_push(&run->arena, list,
					      node_new_str(&run->arena, POS_NONE, proj->profiles[i]));
			else
				sb_printf(out, "%s\n", proj->profiles[i]);
		if (json)
			emit_json(out, list);
		return;
	}
	const struct node *m = node_map_get(proj->root, l->section);
	size_t n = m && m->kind == NODE_MAP ? m->map.n : 0;
	const struct node_entry **v = xmalloc((n ? n : 1) * sizeof(*v));
	struct node *list = node_new_seq(&run->arena, POS_NONE);
	for (size_t i = 0; i < n; i++)
		v[i] = &m->map.v[i];
	qsort(v, n, sizeof(*v), cmp_entry);
	for (size_t i = 0; i < n; i++) {
		const char *name = l->images ? node_str(node_map_get(v[i]->val, "image")) : v[i]->key;
		if (!name)
			continue;
		if (json)
			node_seq_push(&run->arena, list, node_new_str(&run->arena, POS_NONE, name));
		else
			sb_printf(out, "%s\n", name);
	}
	if (json)
		emit_json(out, list);
	free(v);
}

/* The listing asked for (NULL: none), or a usage error naming two of them. */
static int chosen_listing(const struct listing **out, const int given[NLISTINGS])
{
	*out = NULL;
	for (size_t i = 0; i < NLISTINGS; i++) {
		if (!given[i])
			continue;
		if (*out) {
			usage_error("config", "--%s and --%s cannot be used together: list one kind of "
				    "name at a time", (*out)->option, listings[i].option);
			return OPTIONS_USAGE;
		}
		*out = &listings[i];
	}
	return 0;
}

/* What open(2) would give: an existing file keeps its mode, a new one gets 0666 less the umask. */
static mode_t output_mode(const char *path)
{
	struct stat st;
	if (!stat(path, &st) && S_ISREG(st.st_mode))
		return st.st_mode & 07777;
	mode_t mask = umask(0);
	umask(mask);
	return 0666 & ~mask;
}

/*
 * Write via a temp file in the same directory and rename: never a truncated
 * file. mkstemp() creates it 0600; it gets mode, or (mode 0) the mode the
 * file would have had.
 */
static int write_atomic(const char *path, const char *buf, size_t len, mode_t mode)
{
	char *tmp = xstrfmt("%s.stackc-XXXXXX", path);
	if (!mode)
		mode = output_mode(path);
	int fd = mkstemp(tmp);
	int ret = -1;
	if (fd < 0) {
		fprintf(stderr, "stackc: cannot write %s: %s\n", path, strerror(errno));
		goto done;
	}
	if (fchmod(fd, mode)) {
		fprintf(stderr, "stackc: cannot write %s: %s\n", path, strerror(errno));
		close(fd);
		unlink(tmp);
		goto done;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	if (off < len || fsync(fd) || close(fd)) {
		fprintf(stderr, "stackc: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		goto done;
	}
	if (rename(tmp, path)) {
		fprintf(stderr, "stackc: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		goto done;
	}
	ret = 0;
done:
	free(tmp);
	return ret;
}

/* The definitions with content (compose/spec.h: content:/environment: sources), as "configs.x, secrets.y". */
static void inline_names(struct sbuf *out, const struct node *root)
{
	static const char *const sections[] = { "configs", "secrets" };
	for (size_t k = 0; k < ARRAY_SIZE(sections); k++) {
		const struct node *defs = node_map_get(root, sections[k]);
		for (size_t i = 0; defs && defs->kind == NODE_MAP && i < defs->map.n; i++)
			if (node_map_get(defs->map.v[i].val, "content"))
				sb_printf(out, "%s%s.%s", out->len ? ", " : "", sections[k],
					  defs->map.v[i].key);
	}
}

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "stackc: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * A stack file has no content:/environment: sources: each one is written
 * to DIR/configs/KEY or DIR/secrets/KEY (a secret 0600), and its definition
 * gets file: with that file's absolute path. Without a DIR it refuses,
 * naming the objects: printing the data into the file would put a secret in
 * the output. Returns 0, EXIT_INVALID or EXIT_SYSTEM.
 */
static int write_inline_objects(struct run *run, struct node *root, const char *dir)
{
	static const char *const sections[] = { "configs", "secrets" };
	int ret = 0;
	char *abs = NULL;
	if (!dir) {
		struct sbuf names = SBUF_INIT;
		inline_names(&names, root);
		fprintf(stderr, "stackc config: %s come%s from content: or environment:, which a stack "
			"file cannot hold: give --output-dir DIR to write them as files there\n",
			names.buf, strchr(names.buf, ',') ? "" : "s");
		sbuf_release(&names);
		return EXIT_INVALID;
	}
	if (make_dir(dir))
		return EXIT_SYSTEM;
	if (!(abs = realpath(dir, NULL))) {
		fprintf(stderr, "stackc: cannot use %s: %s\n", dir, strerror(errno));
		return EXIT_SYSTEM;
	}
	for (size_t k = 0; k < ARRAY_SIZE(sections) && !ret; k++) {
		struct node *defs = node_map_get(root, sections[k]);
		int made = 0;
		for (size_t i = 0; defs && defs->kind == NODE_MAP && i < defs->map.n && !ret; i++) {
			struct node *def = defs->map.v[i].val;
			const struct node *content = node_map_get(def, "content");
			const char *key = defs->map.v[i].key;
			if (!content)
				continue;
			char *sub = xstrfmt("%s/%s", abs, sections[k]);
			char *path = xstrfmt("%s/%s", sub, key);
			if (!strcmp(key, ".") || !strcmp(key, "..")) {
				fprintf(stderr, "stackc config: %s.%s cannot be a file name\n", sections[k], key);
				ret = EXIT_INVALID;
			} else if ((!made && make_dir(sub)) ||
				   write_atomic(path, content->s.text, content->len, k ? 0600 : 0)) {
				ret = EXIT_SYSTEM;
			} else {
				made = 1;
				node_map_remove(def, "content");
				node_map_set(&run->arena, def, "file", POS_NONE,
					     node_new_str(&run->arena, POS_NONE, path));
			}
			free(path);
			free(sub);
		}
	}
	free(abs);
	return ret;
}

/* stdout did not take the output (a full disk, a closed pipe): say so */
static int output_error(void)
{
	fprintf(stderr, "stackc: cannot write the output: %s\n", strerror(errno));
	return EXIT_SYSTEM;
}

int cmd_config(int argc, char **argv)
{
	struct project_opts opts;
	struct run run;
	struct project proj;
	struct sbuf out = SBUF_INIT;
	const char *output = NULL, *output_dir = NULL;
	const struct listing *listing = NULL;
	int given[NLISTINGS] = { 0 };
	int format = FORMAT_YAML, quiet = 0, nargs, ret = EXIT_INVALID;

	project_opts_init(&opts);
	run_init(&run);
	const struct opt table[] = {
		OPTS_PROJECT(&opts),
		OPT_COLOR,
		OPT_ENUM(0, "format", NULL,
			 "output format (default yaml); json makes a listing\n"
			 "option print a JSON array",
			 &format, formats),
		OPT_STRING('o', "output", "FILE", "write to FILE atomically instead of stdout", &output),
		OPT_STRING(0, "output-dir", "DIR",
			   "write configs and secrets from content: or environment:\n"
			   "to files in DIR (secrets 0600); the output's file: names them",
			   &output_dir),
		OPT_FLAG('q', "quiet", "validate only, print nothing", &quiet),
		OPT_FLAG(0, "strict", "a key dropped in lowering a Compose Specification file is an error",
			 &opts.strict),
		OPT_FLAG(0, "services", "list the service names", &given[LIST_SERVICES]),
		OPT_FLAG(0, "images", "list the images of the services", &given[LIST_IMAGES]),
		OPT_FLAG(0, "networks", "list the network names", &given[LIST_NETWORKS]),
		OPT_FLAG(0, "volumes", "list the volume names", &given[LIST_VOLUMES]),
		OPT_FLAG(0, "secrets", "list the secret names", &given[LIST_SECRETS]),
		OPT_FLAG(0, "configs", "list the config names", &given[LIST_CONFIGS]),
		OPT_FLAG(0, "profiles", "list the profiles the services name (one listing option\n"
			 "at a time)", &given[LIST_PROFILES]),
		OPT_END(),
	};
	int r = options_parse(&nargs, argv, argc, &help, table);
	if (!r && nargs) {
		usage_error("config", "unexpected argument '%s'", argv[0]);
		r = OPTIONS_USAGE;
	}
	if (!r)
		r = project_opts_check("config", &opts);
	if (!r)
		r = chosen_listing(&listing, given);
	if (r) {
		ret = options_exit_status(r);
		goto done;
	}

	/* printing the file: deploy-time rules warn; -q validates, so they fail */
	opts.rules_warn = !quiet;
	int failed = project_load(&proj, &run, &opts);
	run.diag.color = term_color(2);
	diag_print(&run.diag, stderr, DIAG_FORMAT_HUMAN, isatty(2));
	if (failed)
		goto done;
	ret = 0;
	if (quiet)
		goto done;
	if (proj.inline_objects && !listing &&
	    (ret = write_inline_objects(&run, proj.root, output_dir)))
		goto done;
	if (proj.lowered && !listing)
		project_escape_dollars(&run, proj.root); /* a file docker reads again */
	if (!listing && !output && format == FORMAT_YAML) {
		/* the common case streams: the text of a large project is never held whole */
		if (emit_yaml_file(stdout, proj.root) || fflush(stdout))
			ret = output_error();
		goto done;
	}
	if (listing)
		print_listing(&out, &run, &proj, listing, format == FORMAT_JSON);
	else if (format == FORMAT_JSON)
		emit_json(&out, proj.root);
	else
		emit_yaml(&out, proj.root);
	if (output) {
		if (write_atomic(output, out.buf, out.len, 0))
			ret = EXIT_SYSTEM;
	} else if (fwrite(out.buf, 1, out.len, stdout) != out.len || fflush(stdout)) {
		ret = output_error();
	}
done:
	sbuf_release(&out);
	run_release(&run);
	project_opts_release(&opts);
	return ret;
}
