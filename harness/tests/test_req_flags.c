// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit tests for req_flags.c: bi_opf decoded from a kernel's headers,
 * found as Debian lays them out (KDIR's Makefile includes the common
 * headers' one, by an absolute path on 6.1, relative to itself on 6.12)
 * and as a kernel tree does; the enums parsed as they are written there
 * (comments inside items, "= REQ_OP_BITS", casts).
 *
 * usage: test_req_flags [LOGS_DIR]   (the suite's argument; unused)
 */
#include "req_flags.h"

#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char HEADER[] =
	"typedef __u32 __bitwise blk_opf_t;\n"
	"#define REQ_OP_BITS\t8\n"
	"enum req_op {\n"
	"\t/* read sectors from the device */\n"
	"\tREQ_OP_READ\t\t= (__force blk_opf_t)0,\n"
	"\tREQ_OP_WRITE\t\t= (__force blk_opf_t)1,\n"
	"\tREQ_OP_FLUSH\t\t= (__force blk_opf_t)2,\n"
	"\tREQ_OP_LAST\t\t= (__force blk_opf_t)36,\n"
	"};\n"
	"enum req_flag_bits {\n"
	"\t__REQ_FAILFAST_DEV =\t/* no driver retries, */\n"
	"\t\tREQ_OP_BITS,\n"
	"\t__REQ_FAILFAST_TRANSPORT, // a comment, with a comma\n"
	"\t__REQ_FAILFAST_DRIVER,\n"
	"\t__REQ_SYNC,\t\t/* request is sync (sync write or read) */\n"
	"\t__REQ_RAHEAD,\n"
	"\t__REQ_NR_BITS,\t\t/* stops here */\n"
	"};\n";

static char root[] = "/tmp/test_req_flags.XXXXXX";

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

/* root/NAME/include/linux/blk_types.h, and the directories to it. */
static void make_tree(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, name);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/include", root, name);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/include/linux", root, name);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/include/linux/blk_types.h", root,
		 name);
	write_file(path, HEADER);
}

static void expect_decoded(const char *kdir)
{
	char err[300] = "", words[100];
	const struct req_flags *f = req_flags_of(kdir, err, sizeof(err));
	unsigned long mask = 0;

	if (!f)
		fprintf(stderr, "\n%s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT(req_flag_mask(f, "SYNC", &mask) && mask == 1UL << 11);
	CU_ASSERT(req_flag_mask(f, "RAHEAD", &mask) && mask == 1UL << 12);
	CU_ASSERT(!req_flag_mask(f, "PREFLUSH", &mask));
	CU_ASSERT_STRING_EQUAL(req_op_name(f, 0x801), "WRITE");
	req_flags_describe(f, 0x1802 | 1UL << 30, words, sizeof(words));
	CU_ASSERT_STRING_EQUAL(words, "FLUSH SYNC RAHEAD bit30");
	req_flags_describe(f, 0x5, words, sizeof(words));
	CU_ASSERT_STRING_EQUAL(words, "op 5");
}

static void kernel_tree(void)
{
	char kdir[256];

	make_tree("tree");
	snprintf(kdir, sizeof(kdir), "%s/tree", root);
	expect_decoded(kdir);
}

/* 6.12: include $(dir $(realpath ...))../<common>/Makefile */
static void debian_relative(void)
{
	char kdir[256], mk[300];

	make_tree("common-rel");
	snprintf(kdir, sizeof(kdir), "%s/amd64-rel", root);
	mkdir(kdir, 0755);
	snprintf(mk, sizeof(mk), "%s/Makefile", kdir);
	write_file(mk, "include $(dir $(realpath $(lastword $(MAKEFILE_LIST))))../common-rel/Makefile\n");
	expect_decoded(kdir);
}

/* 6.1: include /usr/src/linux-headers-<version>-common/Makefile */
static void debian_absolute(void)
{
	char kdir[256], mk[300], line[400];

	make_tree("common-abs");
	snprintf(kdir, sizeof(kdir), "%s/amd64-abs", root);
	mkdir(kdir, 0755);
	snprintf(mk, sizeof(mk), "%s/Makefile", kdir);
	snprintf(line, sizeof(line), "include %s/common-abs/Makefile\n", root);
	write_file(mk, line);
	expect_decoded(kdir);
}

static void no_headers(void)
{
	char err[300] = "";

	CU_ASSERT_PTR_NULL(req_flags_of(root, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "blk_types.h"));
}

int main(void)
{
	static const struct unit_test cases[] = {
		{ "a kernel tree", kernel_tree },
		{ "Debian, 6.12's relative include", debian_relative },
		{ "Debian, 6.1's absolute include", debian_absolute },
		{ "no headers", no_headers },
	};
	char cmd[300];
	int rc;

	if (!mkdtemp(root))
		return 2;
	rc = unit_run("req_flags", UNIT_TESTS(cases));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) ? 2 : rc;
}
