// SPDX-License-Identifier: GPL-2.0
/*
 * skelgen: makes a lab's skeleton from its solution, so the two never drift.
 *
 *	skelgen solution/mybrd.c > lab/mybrd.c
 *
 * In the solution, a TODO region is:
 *
 *	/\* TODO <n>: what to do ...      <- kept: the student's instruction
 *	 *\/
 *	solution code                      <- dropped
 *	/\* SKELETON: return 0; *\/          <- kept as "return 0;"
 *	/\* END TODO <n> *\/                 <- dropped
 *
 * Regions do not nest; TODO numbers must match their END. Anything wrong
 * with the markers is an error naming the line, never a silent skeleton.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SKEL_OPEN "/* SKELETON: "
#define SKEL_CLOSE " */"

struct state {
	const char *path;
	int line;
	int todo;		/* number of the open region, 0 if none */
	bool in_comment;	/* inside the TODO comment itself */
};

static const char *skip_blanks(const char *s)
{
	return s + strspn(s, " \t");
}

static int fail(const struct state *st, const char *why)
{
	fprintf(stderr, "%s:%d: %s\n", st->path, st->line, why);
	return -1;
}

/* "/\* SKELETON: code *\/" -> "code", with the line's indentation. */
static void emit_skeleton_line(const char *line, FILE *out)
{
	const char *body = skip_blanks(line);
	const char *code = body + strlen(SKEL_OPEN);
	const char *end = strstr(code, SKEL_CLOSE);

	fprintf(out, "%.*s%.*s\n", (int)(body - line), line,
		(int)(end - code), code);
}

static int take_line(struct state *st, const char *line, FILE *out)
{
	const char *body = skip_blanks(line);
	int n;

	if (st->in_comment) {
		fprintf(out, "%s\n", line);
		st->in_comment = !strstr(line, "*/");
		return 0;
	}
	if (sscanf(body, "/* TODO %d:", &n) == 1) {
		if (st->todo)
			return fail(st, "TODO inside another TODO region");
		st->todo = n;
		fprintf(out, "%s\n", line);
		st->in_comment = !strstr(body + 2, "*/");
		return 0;
	}
	if (sscanf(body, "/* END TODO %d */", &n) == 1) {
		if (n != st->todo)
			return fail(st, "END TODO does not match the open TODO");
		st->todo = 0;
		return 0;
	}
	if (!strncmp(body, SKEL_OPEN, strlen(SKEL_OPEN))) {
		if (!st->todo || !strstr(body, SKEL_CLOSE))
			return fail(st, "SKELETON line outside a TODO region");
		emit_skeleton_line(line, out);
		return 0;
	}
	if (!st->todo)
		fprintf(out, "%s\n", line);
	return 0;
}

int main(int argc, char **argv)
{
	struct state st = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *in;
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: skelgen solution.c > skeleton.c\n");
		return 2;
	}
	st.path = argv[1];
	in = fopen(st.path, "r");
	if (!in) {
		perror(st.path);
		return 2;
	}
	while (!err && (len = getline(&line, &cap, in)) >= 0) {
		st.line++;
		line[strcspn(line, "\n")] = '\0';
		err = take_line(&st, line, stdout);
	}
	if (!err && st.todo)
		err = fail(&st, "TODO region never closed by END TODO");
	free(line);
	fclose(in);
	return err ? 1 : 0;
}
