/*
 * stackc validate — load the project the way every command does and report
 * every problem (syntax, interpolation, schema, swarm rules, ignored keys)
 * at file:line:col. Nothing is printed for a clean project.
 *
 * Files named as arguments (as pre-commit passes them) are each validated
 * as a project of their own, on top of the -f/-c files if any (base files
 * plus one override each); without arguments the -f/-c files (or the
 * discovered ones) form the project.
 */
#include "cli/cli.h"
#include "project/project.h"
#include "base/xalloc.h"
#include "base/diag.h"
#include "base/run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: stackc validate [options] [FILE...]\n"
	"\n"
	"Check the stack files and report every problem at file:line:col.\n"
	"Each FILE is validated on its own, on top of the -f files if any;\n"
	"without FILE, the -f files (or the usual compose files) are one project.\n"
	"\n"
	"options:\n"
	"%s"
	"      --strict             warnings count as errors\n"
	"      --format FORMAT      human (default), json or github (annotations)\n"
	"      --max-errors N       show at most N errors (0: all)\n"
	"  -h, --help               this text\n"
	"\n"
	"Exit status: 0 valid (warnings allowed unless --strict), 1 invalid, 2 usage.\n";

/* --name VALUE or --name=VALUE */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	if (!strcmp(argv[*i], name))
		return *i + 1 < argc ? argv[++*i] : NULL;
	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	return NULL;
}

static int is_option(const char *arg, const char *name)
{
	size_t n = strlen(name);
	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

/* One project: the -f files, plus file (unless it is one of them) when given. */
static int load_one(struct run *run, const struct project_opts *base, const char *file)
{
	struct project_opts o = *base;
	struct project p;
	int ret;
	if (!file)
		return project_load(&p, run, &o);
	const char **files = xmalloc((base->nfiles + 1) * sizeof(*files));
	if (base->nfiles)
		memcpy(files, base->files, base->nfiles * sizeof(*files));
	o.files = files;
	o.nfiles = base->nfiles;
	size_t i = 0;
	while (i < base->nfiles && strcmp(base->files[i], file))
		i++;
	if (i == base->nfiles)
		files[o.nfiles++] = file;
	ret = project_load(&p, run, &o);
	free(files);
	return ret;
}

int cmd_validate(int argc, char **argv)
{
	struct project_opts opts;
	enum diag_format format = DIAG_FORMAT_HUMAN;
	int strict = 0, ret = EXIT_USAGE;
	long max_errors = 0;
	const char **files = NULL;
	size_t nfiles = 0;

	project_opts_init(&opts);
	files = calloc((size_t)argc + 1, sizeof(*files));
	if (!files)
		goto done;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		int r = project_parse_option(&opts, argc, argv, &i);
		if (r < 0)
			goto done;
		if (r)
			continue;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf(usage, project_options_help);
			ret = 0;
			goto done;
		} else if (!strcmp(a, "--strict")) {
			strict = 1;
		} else if (is_option(a, "--format")) {
			if (!(v = option_value(argc, argv, &i, "--format"))) {
				ret = usage_error("validate", "--format needs a value");
				goto done;
			}
			if (!strcmp(v, "human")) {
				format = DIAG_FORMAT_HUMAN;
			} else if (!strcmp(v, "json")) {
				format = DIAG_FORMAT_JSON;
			} else if (!strcmp(v, "github")) {
				format = DIAG_FORMAT_GITHUB;
			} else {
				ret = usage_error("validate", "unknown format '%s' (human, json or github)", v);
				goto done;
			}
		} else if (is_option(a, "--max-errors")) {
			char *end;
			if (!(v = option_value(argc, argv, &i, "--max-errors"))) {
				ret = usage_error("validate", "--max-errors needs a value");
				goto done;
			}
			errno = 0;
			max_errors = strtol(v, &end, 10);
			if (!*v || *end || errno || max_errors < 0) {
				ret = usage_error("validate", "--max-errors needs a number >= 0, not '%s'", v);
				goto done;
			}
		} else if (a[0] == '-' && a[1]) {
			ret = usage_error("validate", "unknown option '%s'", a);
			goto done;
		} else {
			files[nfiles++] = a;
		}
	}

	struct run run;
	run_init(&run);
	run.diag.strict = strict;
	run.diag.max_errors = (size_t)max_errors;
	if (!nfiles)
		load_one(&run, &opts, NULL);
	for (size_t i = 0; i < nfiles; i++)
		load_one(&run, &opts, files[i]);

	/* machine formats go to stdout, where CI runners read them */
	FILE *out = format == DIAG_FORMAT_HUMAN ? stderr : stdout;
	diag_print(&run.diag, out, format, format == DIAG_FORMAT_HUMAN && isatty(fileno(stderr)));
	if (format == DIAG_FORMAT_HUMAN && max_errors && run.diag.nerrors > (size_t)max_errors)
		fprintf(stderr, "stackc: %zu more error%s not shown (--max-errors %ld)\n",
			run.diag.nerrors - (size_t)max_errors,
			run.diag.nerrors - (size_t)max_errors == 1 ? "" : "s", max_errors);
	ret = diag_failed(&run.diag) ? EXIT_INVALID : 0;
	run_release(&run);
done:
	free(files);
	project_opts_release(&opts);
	return ret;
}
