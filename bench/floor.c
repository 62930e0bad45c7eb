/*
 * floor — the parse-only floor: run libyaml's event parser (no tree, no copies) over each file.
 *
 *   floor FILE...
 *
 * Any compose tool must at least read and tokenize its input; the time and memory this takes
 * bound from below what stackc config can do on the same files. Prints the event count (so the
 * work cannot be optimized away); exits 1 on a read or parse error.
 */
#include <stdio.h>
#include <yaml.h>

static long parse_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	yaml_parser_t p;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	long events = 0;
	for (;;) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			fprintf(stderr, "%s:%zu:%zu: %s\n", path, p.problem_mark.line + 1,
			        p.problem_mark.column + 1, p.problem ? p.problem : "parse error");
			events = -1;
			break;
		}
		int done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		events++;
		if (done)
			break;
	}
	yaml_parser_delete(&p);
	fclose(f);
	return events;
}

int main(int argc, char **argv)
{
	long total = 0;
	for (int i = 1; i < argc; i++) {
		long n = parse_file(argv[i]);
		if (n < 0)
			return 1;
		total += n;
	}
	printf("%ld events\n", total);
	return 0;
}
