// SPDX-License-Identifier: GPL-2.0
/*
 * bi_opf decoded by the kernel's own headers: see req_flags.h. The header
 * is parsed as text: comments blanked, then the two enums read item by
 * item ("__REQ_FAILFAST_DEV = REQ_OP_BITS," then one more each).
 */
#include "req_flags.h"
#include "textfile.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_NAMES 64

struct req_name {
	char name[32];		/* without its prefix: "SYNC", "WRITE" */
	unsigned int value;	/* the bit's number, or the op's */
};

struct req_flags {
	char kdir[4096];
	unsigned int op_bits;	/* REQ_OP_BITS */
	struct req_name ops[MAX_NAMES], bits[MAX_NAMES];
	int nops, nbits;
};

/*
 * include/linux/blk_types.h of kdir: there in a kernel tree; Debian's
 * headers package splits it off, and KDIR's Makefile is then one line,
 * "include <the common headers>/Makefile".
 */
static bool find_header(const char *kdir, char *path, size_t len)
{
	char mk[4200];
	char *text, *line, *save = NULL;
	bool found = false;

	snprintf(path, len, "%s/include/linux/blk_types.h", kdir);
	if (!access(path, R_OK))
		return true;
	snprintf(mk, sizeof(mk), "%s/Makefile", kdir);
	text = read_text_file(mk, NULL);
	for (line = text ? strtok_r(text, "\n", &save) : NULL;
	     line && !found; line = strtok_r(NULL, "\n", &save)) {
		const char *rel;
		size_t n;

		if (strncmp(line, "include ", 8))
			continue;
		/* 6.12: "$(dir $(realpath ...))../<common>/Makefile" */
		rel = strrchr(line, ')') ? strrchr(line, ')') + 1 : line + 8;
		rel += strspn(rel, " \t");
		n = strcspn(rel, " \t\r");
		if (n < 9 || strncmp(rel + n - 9, "/Makefile", 9))
			continue;
		snprintf(path, len, "%s%s%.*s/include/linux/blk_types.h",
			 rel[0] == '/' ? "" : kdir, rel[0] == '/' ? "" : "/",
			 (int)(n - 9), rel);
		found = !access(path, R_OK);
	}
	free(text);
	return found;
}

/* Blanks the C comments of text, in place. */
static void blank_comments(char *text)
{
	for (char *p = text; *p; p++) {
		char *end;

		if (p[0] == '/' && p[1] == '*') {
			end = strstr(p + 2, "*/");
			end = end ? end + 2 : p + strlen(p);
		} else if (p[0] == '/' && p[1] == '/') {
			end = strchrnul(p, '\n');
		} else {
			continue;
		}
		memset(p, ' ', end - p);
		p = end - 1;
	}
}

/* The last number in expr ("(__force blk_opf_t)35"), or -1. */
static long last_number(const char *expr, const char *end)
{
	const char *q = end;

	while (q > expr && !isdigit((unsigned char)q[-1]))
		q--;
	while (q > expr && isdigit((unsigned char)q[-1]))
		q--;
	return isdigit((unsigned char)*q) ? strtol(q, NULL, 10) : -1;
}

/*
 * The items of "enum <tag> { ... }" whose names start with prefix, the
 * prefix dropped; an item without "=" is one more than the one before,
 * and "= REQ_OP_BITS" is op_bits. Returns how many were stored.
 */
static int read_enum(const char *text, const char *tag, const char *prefix,
		     unsigned int op_bits, struct req_name *out)
{
	const char *p = strstr(text, tag), *end;
	size_t plen = strlen(prefix);
	long value = -1;
	int n = 0;

	p = p ? strchr(p, '{') : NULL;
	end = p ? strchr(p, '}') : NULL;
	if (!end)
		return 0;
	for (p++; p < end && n < MAX_NAMES; p++) {
		const char *item = p, *comma = memchr(p, ',', end - p);
		const char *stop = comma ? comma : end, *eq;
		size_t nlen;

		while (item < stop && isspace((unsigned char)*item))
			item++;
		nlen = strspn(item, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");
		eq = memchr(item, '=', stop - item);
		if (eq && !strncmp(eq + 1 + strspn(eq + 1, " \t\n"),
				   "REQ_OP_BITS", 11))
			value = op_bits;
		else if (eq)
			value = last_number(eq, stop);
		else if (nlen)
			value++;
		if (nlen > plen && nlen - plen < sizeof(out->name) &&
		    !strncmp(item, prefix, plen) && value >= 0) {
			snprintf(out[n].name, sizeof(out[n].name), "%.*s",
				 (int)(nlen - plen), item + plen);
			out[n++].value = value;
		}
		p = stop;
	}
	return n;
}

static bool parse_header(const char *path, struct req_flags *f, char *err,
			 size_t errlen)
{
	char *text = read_text_file(path, NULL);
	const char *def;

	if (!text) {
		snprintf(err, errlen, "cannot read %s", path);
		return false;
	}
	blank_comments(text);
	def = strstr(text, "#define REQ_OP_BITS");
	if (def)
		f->op_bits = strtoul(def + strlen("#define REQ_OP_BITS"), NULL, 10);
	if (f->op_bits)
		f->nbits = read_enum(text, "enum req_flag_bits {", "__REQ_",
				     f->op_bits, f->bits);
	f->nops = read_enum(text, "enum req_op {", "REQ_OP_", f->op_bits,
			    f->ops);
	free(text);
	if (!f->op_bits || !f->nbits || !f->nops) {
		snprintf(err, errlen, "no REQ_OP_BITS, enum req_op or enum req_flag_bits in %s",
			 path);
		return false;
	}
	return true;
}

const struct req_flags *req_flags_of(const char *kdir, char *err,
				     size_t errlen)
{
	static struct req_flags f;
	static bool loaded;
	char path[4200];

	if (loaded && !strcmp(f.kdir, kdir))
		return &f;
	memset(&f, 0, sizeof(f));
	loaded = false;
	if (!kdir || !find_header(kdir, path, sizeof(path))) {
		snprintf(err, errlen, "no include/linux/blk_types.h in the kernel headers %s",
			 kdir ? kdir : "(none given)");
		return NULL;
	}
	if (!parse_header(path, &f, err, errlen))
		return NULL;
	snprintf(f.kdir, sizeof(f.kdir), "%s", kdir);
	loaded = true;
	return &f;
}

bool req_flag_mask(const struct req_flags *f, const char *name,
		   unsigned long *mask)
{
	for (int i = 0; i < f->nbits; i++)
		if (!strcmp(f->bits[i].name, name) && f->bits[i].value < 64) {
			*mask = 1UL << f->bits[i].value;
			return true;
		}
	return false;
}

const char *req_op_name(const struct req_flags *f, unsigned long opf)
{
	unsigned long op = opf & ((1UL << f->op_bits) - 1);

	for (int i = 0; i < f->nops; i++)
		if (f->ops[i].value == op && strcmp(f->ops[i].name, "LAST"))
			return f->ops[i].name;
	return NULL;
}

/* The flag whose bit is bit, or NULL. */
static const char *bit_name(const struct req_flags *f, unsigned int bit)
{
	for (int i = 0; i < f->nbits; i++)
		if (f->bits[i].value == bit && strcmp(f->bits[i].name, "NR_BITS"))
			return f->bits[i].name;
	return NULL;
}

void req_flags_describe(const struct req_flags *f, unsigned long opf,
			char *buf, size_t len)
{
	const char *op = req_op_name(f, opf);
	size_t n;

	if (op)
		snprintf(buf, len, "%s", op);
	else
		snprintf(buf, len, "op %lu", opf & ((1UL << f->op_bits) - 1));
	for (unsigned int bit = f->op_bits; bit < 64; bit++) {
		const char *name = bit_name(f, bit);

		if (!(opf & (1UL << bit)))
			continue;
		n = strlen(buf);
		if (name)
			snprintf(buf + n, len - n, " %s", name);
		else
			snprintf(buf + n, len - n, " bit%u", bit);
	}
}
