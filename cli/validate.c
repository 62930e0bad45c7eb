/*
 * stackc validate — load the project the way every command does and report
 * every problem (syntax, interpolation, schema, swarm rules, ignored keys)
 * at file:line:col. Nothing is printed for a clean project.
 *
 * Files named as arguments (as pre-commit passes them) are each validated
 * as a project of their own, on top of the -f/-c files if any (base files
 * plus one override each); without arguments the -f/-c files (or the
 * discovered ones) form the project.
 *
 * For the pre-commit hook, whose file pattern also catches *stack*.yaml:
 * --skip-non-compose leaves out a FILE argument that is not named like a
 * compose file (compose*.y*ml, docker-compose*.y*ml) and has no top-level
 * `services` key (a CloudFormation or Kubernetes file), and
 * --required-as-warnings checks structure without the variables a missing
 * .env would hold (a ${VAR:?} that is not set is a warning).
 */
#include "cli/cli.h"
#include "project/project.h"
#include "base/xalloc.h"
#include "base/diag.h"
#include "base/run.h"
#include "base/term.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct command_help help = {
	"validate", "[options] [FILE...]",
	"Check the stack files and report every problem at file:line:col.\n"
	"Each FILE is validated on its own, on top of the -f files if any;\n"
	"without FILE, the -f files (or the usual compose files) are one project.\n",
	"Exit status: 0 valid (warnings allowed unless --strict), 1 invalid, 2 usage.\n",
};

static const struct opt_choice formats[] = { { "human", DIAG_FORMAT_HUMAN },
					      { "json", DIAG_FORMAT_JSON },
					      { "github", DIAG_FORMAT_GITHUB },
					      { NULL, 0 } };

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

/* Each FILE makes a project with the -f files: standard input can be in one of them only. */
static int check_stdin_once(const struct project_opts *o, char **files, int nfiles)
{
	int in_base = 0, in_args = 0;
	for (size_t i = 0; i < o->nfiles; i++)
		in_base |= !strcmp(o->files[i], "-");
	for (int i = 0; i < nfiles; i++)
		in_args += !strcmp(files[i], "-");
	if (in_args > 1 || (in_base && nfiles > 1)) {
		usage_error("validate", "'-' (standard input) would be read for more than one FILE: "
			    "it can be read only once");
		return OPTIONS_USAGE;
	}
	return 0;
}

/* compose*.y*ml, docker-compose*.y*ml: compose files whatever they hold */
static int compose_file_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return !fnmatch("compose*.y*ml", base, 0) || !fnmatch("docker-compose*.y*ml", base, 0);
}

/*
 * Whether a line at the top level of the file is the key `services` (plain or
 * quoted): read as text, so a file YAML cannot parse is still recognised. A
 * file that cannot be read, or a flow mapping ({...}), counts as compose: the
 * loader then says what is wrong with it.
 */
static int has_services_key(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	if (!f)
		return 1;
	while (!found && getline(&line, &cap, f) >= 0) {
		const char *p = line;
		char quote = *p == '"' || *p == '\'' ? *p++ : 0;
		if (*p == '{')
			found = 1;
		else if (!strncmp(p, "services", 8) && (!quote || p[8] == quote))
			found = p[8 + !!quote + strspn(p + 8 + !!quote, " \t")] == ':';
	}
	free(line);
	fclose(f);
	return found;
}

int cmd_validate(int argc, char **argv)
{
	struct project_opts opts;
	int format = DIAG_FORMAT_HUMAN, strict = 0, skip_non_compose = 0, verbose = 0, nfiles, ret;
	long max_errors = 0;

	project_opts_init(&opts);
	const struct opt table[] = {
		OPTS_PROJECT(&opts),
		OPT_COLOR,
		OPT_FLAG(0, "strict", "warnings count as errors", &strict),
		OPT_ENUM(0, "format", NULL, "human (default), json or github (annotations)", &format,
			 formats),
		OPT_INT(0, "max-errors", "N", "show at most N errors (0: all)", &max_errors),
		OPT_FLAG(0, "required-as-warnings",
			 "a required variable that is not set (${VAR:?}) is a\n"
			 "warning: check structure without the .env",
			 &opts.required_warns),
		OPT_FLAG(0, "skip-non-compose",
			 "skip a FILE not named compose*.y*ml or\n"
			 "docker-compose*.y*ml that has no top-level services key",
			 &skip_non_compose),
		OPT_FLAG('v', "verbose", "say which FILE --skip-non-compose skips", &verbose),
		OPT_END(),
	};
	int r = options_parse(&nfiles, argv, argc, &help, table);
	if (!r)
		r = project_opts_check("validate", &opts);
	if (!r)
		r = check_stdin_once(&opts, argv, nfiles);
	if (r) {
		ret = options_exit_status(r);
		goto done;
	}
	char **files = argv;

	struct run run;
	run_init(&run);
	run.diag.strict = strict;
	opts.strict = strict;
	run.diag.max_errors = (size_t)max_errors;
	if (!nfiles)
		load_one(&run, &opts, NULL);
	for (int i = 0; i < nfiles; i++) {
		if (skip_non_compose && strcmp(files[i], "-") && !compose_file_name(files[i]) &&
		    !has_services_key(files[i])) {
			if (verbose)
				fprintf(stderr, "stackc validate: skipping %s: no top-level services key, "
					"not a compose file\n", files[i]);
			continue;
		}
		load_one(&run, &opts, files[i]);
	}

	/* machine formats go to stdout, where CI runners read them */
	FILE *out = format == DIAG_FORMAT_HUMAN ? stderr : stdout;
	run.diag.color = format == DIAG_FORMAT_HUMAN && term_color(fileno(out));
	diag_print(&run.diag, out, format, format == DIAG_FORMAT_HUMAN && isatty(fileno(stderr)));
	if (format == DIAG_FORMAT_HUMAN && max_errors && run.diag.nerrors > (size_t)max_errors)
		fprintf(stderr, "stackc: %zu more error%s not shown (--max-errors %ld)\n",
			run.diag.nerrors - (size_t)max_errors,
			run.diag.nerrors - (size_t)max_errors == 1 ? "" : "s", max_errors);
	ret = diag_failed(&run.diag) ? EXIT_INVALID : 0;
	run_release(&run);
done:
	project_opts_release(&opts);
	return ret;
}
