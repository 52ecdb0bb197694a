// SPDX-License-Identifier: GPL-2.0
#include "symbolize.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A path inside '...' for popen: every ' becomes '\''. */
static void shell_quote(const char *in, char *out, size_t size)
{
	size_t n = 0;

	if (size < 3)
		return;
	out[n++] = '\'';
	for (; *in && n + 5 < size; in++) {
		if (*in == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *in;
		}
	}
	out[n++] = '\'';
	out[n] = '\0';
}

/* The section and value of function func in ko's symbol table. */
static bool find_symbol(const char *ko, const char *func, char *section,
			size_t size, uint64_t *value)
{
	char quoted[4200], cmd[4300], line[512];
	bool found = false;
	FILE *p;

	shell_quote(ko, quoted, sizeof(quoted));
	snprintf(cmd, sizeof(cmd), "objdump -t %s 2>/dev/null", quoted);
	p = popen(cmd, "r");
	if (!p)
		return false;
	/* "0000000000000000 l     F .text	000000000000000e mybrd_submit_bio" */
	while (!found && fgets(line, sizeof(line), p)) {
		char sec[64], name[256];
		unsigned long long v, len;

		if (!strstr(line, " F ") ||
		    sscanf(line, "%llx %*s F %63s %llx %255s", &v, sec, &len,
			   name) != 4 || strcmp(name, func))
			continue;
		snprintf(section, size, "%s", sec);
		*value = v;
		found = true;
	}
	pclose(p);
	return found;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * addr2line -f -i: pairs of lines, function then file:line in it,
 * innermost first. Composes "file:line in f0(), inlined into f1()"; where
 * the innermost is a kernel header's inline function (kcalloc()), the
 * place is the driver's line that called it: "mybrd.c:631 in f2() (via
 * kcalloc()), inlined into f3()".
 */
#define MAX_INLINED 16
static char *describe(FILE *p)
{
	char func[MAX_INLINED][256], where[MAX_INLINED][512], *out = NULL;
	size_t len = 0;
	int n = 0, lead = 0;
	FILE *s;

	while (n < MAX_INLINED && fgets(func[n], sizeof(func[n]), p) &&
	       fgets(where[n], sizeof(where[n]), p)) {
		func[n][strcspn(func[n], "\n")] = '\0';
		where[n][strcspn(where[n], "\n ")] = '\0';
		if (!strcmp(func[n], "??"))
			break;
		n++;
	}
	if (!n)
		return NULL;
	while (lead < n && strncmp(base_name(where[lead]), "mybrd.c:", 8))
		lead++;
	if (lead == n)
		lead = 0;
	s = open_memstream(&out, &len);
	fprintf(s, "%s in %s()", base_name(where[lead]), func[lead]);
	if (lead)
		fprintf(s, " (via %s())", func[lead - 1]);
	for (int i = lead + 1; i < n; i++)
		fprintf(s, ", inlined into %s()", func[i]);
	fclose(s);
	return out;
}

char *symbolize_in_section(const char *ko, const char *section,
			   uint64_t offset)
{
	char quoted[4200], cmd[4600];
	char *out;
	FILE *p;

	shell_quote(ko, quoted, sizeof(quoted));
	snprintf(cmd, sizeof(cmd),
		 "addr2line -e %s -j %s -f -i 0x%" PRIx64 " 2>/dev/null",
		 quoted, section, offset);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	out = describe(p);
	pclose(p);
	return out;
}

char *symbolize_frame(const char *ko, const char *frame, bool is_return)
{
	char func[256], section[64];
	unsigned long long off;
	uint64_t value;

	if (!strstr(frame, "[mybrd]") ||
	    sscanf(frame, "%255[^+ ]+0x%llx", func, &off) != 2 ||
	    !find_symbol(ko, func, section, sizeof(section), &value))
		return NULL;
	if (is_return && off)
		off--;
	return symbolize_in_section(ko, section, value + off);
}

uint64_t section_size(const char *ko, const char *section)
{
	char quoted[4200], cmd[4300], line[512];
	unsigned long long size = 0;
	FILE *p;

	shell_quote(ko, quoted, sizeof(quoted));
	snprintf(cmd, sizeof(cmd), "objdump -h %s 2>/dev/null", quoted);
	p = popen(cmd, "r");
	if (!p)
		return 0;
	/* "  0 .text         000001a2  0000000000000000 ..." */
	while (fgets(line, sizeof(line), p)) {
		char name[64];
		unsigned long long s;

		if (sscanf(line, " %*d %63s %llx", name, &s) == 2 &&
		    !strcmp(name, section))
			size = s;
	}
	pclose(p);
	return size;
}

/* The frame text after "RIP: 0010:" (or NULL if line is no RIP line). */
static const char *rip_frame(const char *line)
{
	const char *p = strstr(line, "RIP: ");

	if (!p)
		return NULL;
	p = strchr(p, ':');
	p = p ? strchr(p + 1, ':') : NULL;
	return p ? p + 1 : NULL;
}

/* A call trace line's frame text: " mybrd_x+0x1/0x2 [mybrd]" trimmed. */
static const char *trace_frame(const char *line)
{
	while (*line == ' ')
		line++;
	return line[0] == '?' ? NULL : line;
}

/* The kernel function a RIP frame names ("memcpy"), into buf. */
static void function_of(const char *frame, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)strcspn(frame, "+ "), frame);
}

char *locate_problem(const struct kslice *s, const char *ko)
{
	size_t at = 0;
	const char *rip = NULL;
	char kernel_fn[128] = "";

	if (!s->log || !ko || klog_find_problem(s, &at) == KP_NONE)
		return NULL;
	for (size_t i = at; i < s->end; i++) {
		const char *l = s->log->lines[i];
		const char *f = rip ? trace_frame(l) : rip_frame(l);
		char *where;

		if (!rip) {
			if (!f)
				continue;
			rip = f;
			where = symbolize_frame(ko, f, false);
			if (where)
				return where;
			function_of(f, kernel_fn, sizeof(kernel_fn));
			continue;
		}
		if (!f || !strstr(f, "[mybrd]"))
			continue;
		where = symbolize_frame(ko, f, true);
		if (where) {
			char *both;

			if (asprintf(&both, "%s(), called from %s", kernel_fn,
				     where) < 0)
				both = NULL;
			free(where);
			return both;
		}
	}
	return NULL;
}

bool module_has_function(const char *ko, const char *name)
{
	char section[64];
	uint64_t value;

	return ko && find_symbol(ko, name, section, sizeof(section), &value);
}
