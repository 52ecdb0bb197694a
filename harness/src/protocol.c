// SPDX-License-Identifier: GPL-2.0
#include "protocol.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void append_line(char **out, const char *line, size_t len)
{
	size_t old = *out ? strlen(*out) : 0;
	char *grown = realloc(*out, old + len + 2);

	if (!grown)
		return;
	memcpy(grown + old, line, len);
	grown[old + len] = '\n';
	grown[old + len + 1] = '\0';
	*out = grown;
}

static void take_line(struct proto *p, const char *line, size_t len)
{
	int idx, rc;

	if (len >= 7 && strncmp(line, "@@READY", 7) == 0) {
		p->ready = true;
	} else if (len >= 6 && strncmp(line, "@@KMSG", 6) == 0) {
		p->kmsg = true;
	} else if (len >= 13 && strncmp(line, "@@WANT-MODULE", 13) == 0) {
		p->want_module = true;
	} else if (len >= 6 && strncmp(line, "@@DONE", 6) == 0) {
		p->done = true;
	} else if (sscanf(line, "@@BEGIN %d", &idx) == 1) {
		p->current = idx;
		if (idx >= 0 && idx < p->ntests)
			p->tests[idx].began = true;
	} else if (sscanf(line, "@@END %d rc=%d", &idx, &rc) == 2) {
		if (idx >= 0 && idx < p->ntests) {
			p->tests[idx].ended = true;
			p->tests[idx].rc = rc;
		}
	} else if (len >= 7 && strncmp(line, "@@STALL", 7) == 0) {
		if (p->current >= 0 && p->current < p->ntests &&
		    !p->tests[p->current].ended)
			p->tests[p->current].stalled = true;
	} else if (p->current >= 0 && p->current < p->ntests &&
		   !p->tests[p->current].ended) {
		append_line(&p->tests[p->current].output, line, len);
	}
}

int proto_parse(struct proto *p, const char *text, int ntests)
{
	memset(p, 0, sizeof(*p));
	p->current = -1;
	p->ntests = ntests;
	p->tests = calloc(ntests ? ntests : 1, sizeof(*p->tests));
	if (!p->tests)
		return -ENOMEM;
	while (text && *text) {
		size_t len = strcspn(text, "\n");
		size_t keep = len;

		/* The guest's tty turns "\n" into "\r\n". */
		while (keep && text[keep - 1] == '\r')
			keep--;
		take_line(p, text, keep);
		text += len + (text[len] == '\n');
	}
	return 0;
}

void proto_free(struct proto *p)
{
	for (int i = 0; i < p->ntests; i++)
		free(p->tests[i].output);
	free(p->tests);
	memset(p, 0, sizeof(*p));
}
