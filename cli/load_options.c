/* The loading options of config, validate, diff and deploy (OPTS_PROJECT in cli/cli.h), and --color. */
#include "cli/cli.h"
#include "project/project.h"
#include "base/term.h"

#include <string.h>

const struct opt_choice project_compat_choices[] = { { "docker", 1 }, { NULL, 0 } };

int project_option_file(void *project_opts, const char *value)
{
	project_opts_add_file(project_opts, value, strlen(value));
	return 0;
}

/* docker's -c is a string slice: "a.yml,b.yml" is two files, empty items are dropped */
int project_option_compose_files(void *project_opts, const char *value)
{
	for (const char *p = value;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n)
			project_opts_add_file(project_opts, p, n);
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int project_option_env_file(void *project_opts, const char *value)
{
	project_opts_add_env_file(project_opts, value);
	return 0;
}

int project_option_profile(void *project_opts, const char *value)
{
	project_opts_add_profile(project_opts, value);
	return 0;
}

int project_opts_check(const char *cmd, const struct project_opts *o)
{
	int stdin_seen = 0;
	for (size_t i = 0; i < o->nfiles; i++) {
		if (strcmp(o->files[i], "-"))
			continue;
		if (stdin_seen++) {
			usage_error(cmd, "'-' (standard input) is given twice as a compose file: "
				    "it can be read only once");
			return OPTIONS_USAGE;
		}
	}
	return 0;
}

int option_color(void *unused, const char *when)
{
	(void)unused;
	return term_set_color_mode(when);
}
