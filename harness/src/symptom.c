// SPDX-License-Identifier: GPL-2.0
/*
 * Hints by symptom: see symptom.h.
 */
#include "symptom.h"
#include "lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SECTORS 8

enum kind { K_OTHER, K_PAGE, K_HOLE, K_KINDS };

/* The lab's diagnosis: its kind, the first comparison showing it. */
static struct {
	enum kind kind;
	const char *todo;
	const char *test;	/* where it was seen first */
	unsigned long long sector, from;
	int ntests;		/* tests with a failed comparison */
	char names[200];	/* their names, for the sentence */
	const char *told;	/* the test whose lesson said it in full */
	char text[600];
} diag;

const struct symptom_hints symptom_hints_given = {
	.wrong_page = "the data path is given code, as the earlier labs wrote it: the sector moves by bv_len >> SECTOR_SHIFT after each segment, and a sector's page is at index sector >> PAGE_SECTORS_SHIFT",
	.holes = "the data path is given code, as lab 02 wrote it: mybrd_copy_from_store() zeroes a chunk without a store page (memzero_page())",
};

/* The value of "key=" in output (up to the line's end), or NULL. */
static const char *value_of(const char *output, const char *key, size_t *len)
{
	size_t klen = strlen(key);

	for (const char *p = output; p && *p;) {
		const char *nl = strchrnul(p, '\n');

		if (!strncmp(p, key, klen) && p[klen] == '=') {
			*len = nl - p - klen - 1;
			return p + klen + 1;
		}
		p = *nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* What one failed comparison KEY of output shows. */
static enum kind kind_of(const char *output, const char *key,
			 unsigned long long *sector, unsigned long long *from)
{
	char k[128];
	const char *v, *hole, *src;
	size_t len, hlen, slen;

	v = value_of(output, key, &len);
	if (!v || sscanf(v, "no: byte %*u (sector %llu)", sector) != 1)
		return K_OTHER;
	snprintf(k, sizeof(k), "%s_hole", key);
	hole = value_of(output, k, &hlen);
	snprintf(k, sizeof(k), "%s_from", key);
	src = value_of(output, k, &slen);
	if (!hole || !src)
		return K_OTHER;
	if (hlen == 3 && !strncmp(hole, "yes", 3))
		return slen == 5 && !strncmp(src, "zeros", 5) ? K_OTHER : K_HOLE;
	if (sscanf(src, "sector %llu", from) != 1 || *from == *sector)
		return K_OTHER;
	return *from % PAGE_SECTORS == *sector % PAGE_SECTORS ? K_PAGE : K_OTHER;
}

/*
 * Calls fn for each failed comparison of output: each line
 * "KEY=no: byte ..." (the key is at most 63 characters).
 */
static void for_each_mismatch(const char *output,
			      void (*fn)(const char *output, const char *key,
					 void *arg), void *arg)
{
	for (const char *p = output; p && *p;) {
		const char *nl = strchrnul(p, '\n');
		const char *eq = memchr(p, '=', nl - p);
		char key[64];

		if (eq && eq - p < (long)sizeof(key) &&
		    !strncmp(eq, "=no: byte ", 10)) {
			snprintf(key, sizeof(key), "%.*s", (int)(eq - p), p);
			fn(output, key, arg);
		}
		p = *nl ? nl + 1 : NULL;
	}
}

struct tally {
	int n[K_KINDS];
	const char *test;
	bool counted;		/* this test is in diag.ntests */
	/* The first comparison of each kind: test and sectors. */
	const char *first_test[K_KINDS];
	unsigned long long sector[K_KINDS], from[K_KINDS];
};

static void count_one(const char *output, const char *key, void *arg)
{
	struct tally *t = arg;
	unsigned long long sector = 0, from = 0;
	enum kind k = kind_of(output, key, &sector, &from);

	t->n[k]++;
	if (!t->first_test[k]) {
		t->first_test[k] = t->test;
		t->sector[k] = sector;
		t->from[k] = from;
	}
	if (!t->counted) {
		size_t len = strlen(diag.names);

		t->counted = true;
		diag.ntests++;
		if (len < sizeof(diag.names) - 1)
			snprintf(diag.names + len, sizeof(diag.names) - len,
				 "%s%s", len ? ", " : "", t->test);
	}
}

/* The kind the tally shows, with the lab's TODO for it, or K_OTHER. */
static enum kind decide(const struct tally *t, const struct symptom_hints *h)
{
	if (t->n[K_PAGE] && h->wrong_page)
		return K_PAGE;
	if (t->n[K_HOLE] && !t->n[K_OTHER] && h->holes)
		return K_HOLE;
	return K_OTHER;
}

void symptoms_find(const struct lab *lab, const struct test_result *results)
{
	struct tally t = { 0 };
	const struct symptom_hints *h = lab->symptoms;

	memset(&diag, 0, sizeof(diag));
	if (!h || !results)
		return;
	for (int i = 0; i < lab->ntests; i++) {
		t.test = lab->tests[i].name;
		t.counted = false;
		for_each_mismatch(results[i].output, count_one, &t);
	}
	diag.kind = decide(&t, h);
	if (diag.kind == K_OTHER)
		return;
	diag.todo = diag.kind == K_PAGE ? h->wrong_page : h->holes;
	diag.test = t.first_test[diag.kind];
	diag.sector = t.sector[diag.kind];
	diag.from = t.from[diag.kind];
}

/* The diagnosis in one sentence, in full or as a reference to it. */
static const char *sentence(bool full)
{
	static const char *const what[] = {
		[K_PAGE] = "data lands a whole number of pages from its sector",
		[K_HOLE] = "sectors never written read as old data, not zeros",
	};
	static const char *const why[] = {
		[K_PAGE] = "the page a sector maps to is wrong",
		[K_HOLE] = "a chunk without a store page is not zeroed",
	};
	char example[120];

	if (!full) {
		snprintf(diag.text, sizeof(diag.text),
			 "the same as in %s above: %s", diag.told,
			 what[diag.kind]);
		return diag.text;
	}
	if (diag.kind == K_HOLE)
		snprintf(example, sizeof(example), "%s: sector %llu",
			 diag.test, diag.sector);
	else
		snprintf(example, sizeof(example),
			 "%s: sector %llu reads what was written for sector %llu",
			 diag.test, diag.sector, diag.from);
	snprintf(diag.text, sizeof(diag.text),
		 "%s (%s), in %d data test%s (%s): %s",
		 what[diag.kind], example, diag.ntests,
		 diag.ntests == 1 ? "" : "s", diag.names, why[diag.kind]);
	return diag.text;
}

bool symptom_of(const struct judge *j, const char *key, const char **text,
		const char **todo)
{
	size_t len;
	const char *v;

	if (diag.kind == K_OTHER)
		return false;
	v = value_of(j->result->output, key, &len);
	if (!v || strncmp(v, "no: byte ", 9))
		return false;
	*todo = diag.told ? NULL : diag.todo;
	*text = sentence(!diag.told);
	if (!diag.told)
		diag.told = j->test->name;
	return true;
}
