/*
 * --format of ls, ps and services, as docker's formatter reads it:
 *   table (or nothing)  the command's usual table;
 *   json                one JSON object per row and line: each field as a
 *                       string, keys sorted, Go's encoding/json escaping
 *                       (<, > and & as \u003c...), as `docker stack ls
 *                       --format json` prints it;
 *   table TEMPLATE      the template's columns, a header row of the fields'
 *                       headers, aligned like the usual table;
 *   TEMPLATE            the template once per row, no header.
 * A template is text with actions: {{.Field}} (spaces inside the braces
 * allowed) and {{json .}}; \t and \n in the text are a tab and a newline.
 * Any other action, or a field the command does not have, is a usage error
 * naming the fields, before the Engine is asked anything (docker fails when
 * it executes the template). The rest of Go's template language (if, range,
 * functions but json) is not supported.
 *
 * The rows come as a struct stack_table whose first row is the headers
 * (swarm/stack.h). In ps, older tasks of a slot are indented " \_ " only in
 * table output, as in docker.
 */
#ifndef STACKC_CLI_LISTFMT_H
#define STACKC_CLI_LISTFMT_H

#include "cli/cli.h"

#include <stdio.h>

struct stack_table;

/* A column of the rows: its template name, and whether json prints it. */
struct list_field {
	const char *name; /* "Name", "DesiredState" */
	int in_json;
};

struct list_format {
	enum { LIST_TABLE, LIST_JSON, LIST_TEMPLATE } kind;
	int table;   /* LIST_TEMPLATE: with a header row, aligned */
	char *text;  /* LIST_TEMPLATE: the template, escapes replaced */
	const struct list_field *fields;
	size_t nfields;
};

/* The words --format completes to. */
#define LIST_FORMAT_WORDS "table json"

/*
 * Read spec (NULL: table) for rows of these fields. 0, or a usage error
 * printed for cmd and OPTIONS_USAGE.
 */
int list_format_parse(struct list_format *f, const char *cmd, const char *spec,
		      const struct list_field *fields, size_t nfields);

/* Whether the command's usual table is wanted (so -q applies). */
int list_format_is_default(const struct list_format *f);

/* Print the rows of t (header row first, nfields columns) as f says. */
void list_format_print(const struct list_format *f, const struct stack_table *t, FILE *out);

void list_format_release(struct list_format *f);

/* The --format row of a listing's option table; example: a template for its help. */
#define OPT_LIST_FORMAT(format, example)                                                        \
	OPT_STRING_WORDS(0, "format", "FORMAT",                                                 \
			 "table (default), json (an object per line), or a Go\n"               \
			 "template: '" example "'",                                             \
			 format, LIST_FORMAT_WORDS)

/*
 * The prologue of ls, ps, services and history: t gets a column per field, then
 * engine_cmd_parse(), then *format (the --format value the table stores) for
 * rows of these fields into f; *stack is the STACK argument (NULL when want
 * takes none). *quiet (NULL: no -q) is cleared unless the usual table is
 * wanted: as in docker, a template wins over -q. Returns 0 to go on; else
 * the command stops and returns *status (0 after --help). f and t must be
 * released either way.
 */
int list_cmd_parse(int *status, const char **stack, struct list_format *f, struct stack_table *t,
		   const struct list_field *fields, size_t nfields,
		   const char *const *format, int *quiet, struct engine_cmd *c,
		   const struct command_help *help, const struct opt *opts, enum stack_args want,
		   int argc, char **argv);

#endif
