// SPDX-License-Identifier: GPL-2.0
#include "core_tests.h"
#include "judge_data.h"

#include <stdio.h>
#include <string.h>

void judge_loads_cleanly(struct judge *j)
{
	const char *io = klog_line_containing(&j->result->dmesg, "I/O error");
	const char *odd = klog_line_containing(&j->result->dmesg,
						"suspiciously returned");

	expect_ok(j);
	judge_hint(j, "add_disk() reads the disk at insmod (the partition scan): every read must end with BLK_STS_OK, zeros for sectors never written");
	expect_that(j, !io, "no I/O error in dmesg while loading", "%s", io);
	judge_hint(j, "mybrd_init() returns 0 when it worked, a negative errno (-EINVAL, -ENOMEM, ...) when it did not");
	expect_that(j, !odd, "mybrd_init() returns 0 or a negative errno", "%s",
		    odd);
	judge_hint(j, NULL);
}

/* try_bad_size NAME: insmod failed and left nothing registered. */
static void expect_refused(struct judge *j, const char *name,
			   const char *size)
{
	char key[32], expected[160];
	const char *rc;

	snprintf(key, sizeof(key), "rc_%s", name);
	rc = fact_of(j, key);
	snprintf(expected, sizeof(expected), "insmod with size_mb=%s fails",
		 size);
	expect_that(j, rc && strcmp(rc, "0") != 0, expected,
		    "insmod succeeded");
	snprintf(key, sizeof(key), "left_%s", name);
	snprintf(expected, sizeof(expected),
		 "after the refused insmod (size_mb=%s), no mybrd in /proc/devices and no /sys/block/mybrd",
		 size);
	expect_fact(j, key, "nothing", expected);
}

bool expect_registered_default(struct judge *j)
{
	expect_ok(j);
	expect_that(j, is_number(fact_of(j, "major")),
		    "after insmod, a line \"<major> mybrd\" in /proc/devices",
		    "no mybrd in /proc/devices");
	expect_fact(j, "disk", "yes", "after insmod, /sys/block/mybrd exists");
	expect_fact(j, "node", "yes", "after insmod, /dev/mybrd exists");
	return expect_number(j, "size", 8192,
			     "/sys/block/mybrd/size is 8192 sectors (4 MiB) by default");
}

void judge_core_registration(struct judge *j)
{
	expect_registered_default(j);
	expect_number(j, "size16", 32768,
		      "with size_mb=16, /sys/block/mybrd/size is 32768 sectors");
	expect_fact(j, "rmmod_rc", "0", "rmmod mybrd exits 0");
	expect_fact(j, "unloaded_major", "",
		    "after rmmod, no mybrd line in /proc/devices");
	expect_fact(j, "unloaded_disk", "no", "after rmmod, no /sys/block/mybrd");
	expect_fact(j, "unloaded_node", "no", "after rmmod, no /dev/mybrd");
	expect_refused(j, "zero", "0");
	expect_refused(j, "negative", "-1");
	expect_refused(j, "huge", "1048576");
}

void judge_core_data(struct judge *j)
{
	static const struct {
		const char *key, *what;
	} steps[] = {
		{ "w_direct_7", "a 512-byte O_DIRECT write at sector 7" },
		{ "w_buffered_13", "a 1 KiB buffered write at sectors 13-14" },
		{ "w_direct_22", "a 4 KiB O_DIRECT write at sectors 22-29 (across two pages)" },
		{ "w_direct_41", "an 8 KiB O_DIRECT write at sectors 41-56 (across three pages)" },
		{ "w_last", "a 512-byte O_DIRECT write at the last sector of a 1 MiB disk, 2047" },
		{ "w_page_10", "a 4 KiB O_DIRECT write of page 10" },
	}, reads[] = {
		{ "r_sector_7", "sector 7 (O_DIRECT)" },
		{ "r_sectors_13_14", "sectors 13-14 (O_DIRECT)" },
		{ "r_sectors_22_29", "sectors 22-29 (O_DIRECT, across two pages)" },
		{ "r_sectors_41_56", "sectors 41-56 (O_DIRECT, across three pages)" },
		{ "r_last", "the last sector (O_DIRECT)" },
		{ "r_hole_page_100", "page 100 (never written, so zeros; O_DIRECT)" },
		{ "r_pages_10_11", "pages 10-11, read page by page into one buffer (O_DIRECT; page 11 was never written: zeros)" },
		{ "r_whole_disk", "the whole disk (buffered; the writes in place, zeros elsewhere)" },
	};

	expect_ok(j);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		expect_step(j, steps[i].key, steps[i].what);
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++)
		expect_read(j, reads[i].key, reads[i].what);
}
