// SPDX-License-Identifier: GPL-2.0
/*
 * lab01-register checker: the driver registers a major, adds a disk whose
 * size follows size_mb, refuses bad sizes and removes everything at rmmod.
 * Each test is a shell function of tests.sh run in the VM and a judge of
 * what it printed ("key=value" facts), its status and its dmesg.
 */
#include "core_tests.h"
#include "lab.h"

#include <stdio.h>
#include <string.h>

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* The module was loaded and its disk registered (major and /sys/block). */
static bool expect_registered(struct judge *j, const char *prefix)
{
	char major[32], disk[32];
	bool ok;

	snprintf(major, sizeof(major), "%smajor", prefix);
	snprintf(disk, sizeof(disk), "%sdisk", prefix);
	judge_hint(j, "TODO 2: register_blkdev(0, \"mybrd\") returns the dynamic major");
	ok = expect_that(j, is_number(fact_of(j, major)),
			 "after insmod, a line \"<major> mybrd\" in /proc/devices",
			 "no mybrd in /proc/devices");
	judge_hint(j, "TODOs 3 and 5: blk_alloc_disk(), fill in the disk, add_disk()");
	ok = ok && expect_fact(j, disk, "yes",
			       "after insmod, /sys/block/mybrd exists (add_disk)");
	judge_hint(j, NULL);
	return ok;
}

/* The disk's size in sectors, as /sys/block/mybrd/size said. */
static void expect_size(struct judge *j, const char *key, const char *want,
			const char *expected)
{
	const char *size = fact_of(j, key);

	if (size && !*size) {
		judge_hint(j, "TODOs 2, 3 and 5: there is no disk to have a size yet");
		expect_that(j, false, expected,
			    "no /sys/block/mybrd: no disk was added");
		return;
	}
	expect_fact(j, key, want, expected);
}

/* Nothing of mybrd is left: no major, no disk, no device node. */
static bool expect_unregistered(struct judge *j, const char *prefix,
				const char *when)
{
	char major[32], disk[32], node[32], what[160];

	snprintf(major, sizeof(major), "%smajor", prefix);
	snprintf(disk, sizeof(disk), "%sdisk", prefix);
	snprintf(node, sizeof(node), "%snode", prefix);
	snprintf(what, sizeof(what), "%s, no mybrd line in /proc/devices",
		 when);
	if (!expect_fact(j, major, "", what))
		return false;
	snprintf(what, sizeof(what), "%s, no /sys/block/mybrd", when);
	if (!expect_fact(j, disk, "no", what))
		return false;
	snprintf(what, sizeof(what), "%s, no /dev/mybrd", when);
	return expect_fact(j, node, "no", what);
}

static void judge_major(struct judge *j)
{
	expect_ok(j);
	expect_registered(j, "");
}

static void judge_node(struct judge *j)
{
	const char *major = fact_of(j, "major");

	expect_ok(j);
	expect_fact(j, "node", "block",
		    "/dev/mybrd exists and is a block device");
	expect_that(j, same(major, fact_of(j, "node_major")),
		    "/dev/mybrd's major equals mybrd's in /proc/devices",
		    "/dev/mybrd has major %s, /proc/devices says %s",
		    fact_of(j, "node_major"), major ? major : "none");
	expect_fact(j, "node_minor", "0",
		    "/dev/mybrd has minor 0 (first_minor)");
}

static void judge_capacity_default(struct judge *j)
{
	expect_ok(j);
	expect_size(j, "size", "8192",
		    "/sys/block/mybrd/size is 8192 sectors (4 MiB) by default");
}

static void judge_capacity(struct judge *j)
{
	expect_ok(j);
	expect_size(j, "size16", "32768",
		    "with size_mb=16, /sys/block/mybrd/size is 32768 sectors");
	expect_size(j, "size1024", "2097152",
		    "with size_mb=1024 (the largest allowed), 2097152 sectors");
}

static void judge_rmmod(struct judge *j)
{
	expect_ok(j);
	expect_registered(j, "loaded_");
	expect_fact(j, "rmmod_rc", "0", "rmmod mybrd exits 0");
	expect_unregistered(j, "", "after rmmod");
}

static void judge_reload(struct judge *j)
{
	expect_ok(j);
	expect_fact(j, "insmod1_rc", "0", "the first insmod exits 0");
	expect_registered(j, "loaded1_");
	expect_fact(j, "rmmod1_rc", "0", "the first rmmod exits 0");
	expect_unregistered(j, "unloaded1_", "after the first rmmod");
	expect_fact(j, "insmod2_rc", "0",
		    "the second insmod exits 0 (nothing left from the first)");
	expect_registered(j, "loaded2_");
	expect_fact(j, "rmmod2_rc", "0", "the second rmmod exits 0");
	expect_unregistered(j, "unloaded2_", "after the second rmmod");
}

static void judge_refused(struct judge *j)
{
	const char *rc = fact_of(j, "insmod_rc");

	expect_ok(j);
	expect_that(j, rc && strcmp(rc, "0") != 0,
		    "insmod fails for this size_mb",
		    "insmod succeeded");
	expect_that(j, output_has(j, "Invalid argument"),
		    "insmod fails with \"Invalid argument\" (-EINVAL)",
		    "another error (see output)");
	expect_unregistered(j, "", "after the refused insmod");
}

static void judge_partition(struct judge *j)
{
	const char *blocks = fact_of(j, "blocks");

	expect_ok(j);
	expect_that(j, blocks && *blocks,
		    "with size_mb=16, /proc/partitions has a line for mybrd",
		    "no mybrd in /proc/partitions (no disk added, or one of 0 sectors)");
	expect_number(j, "blocks", 16384,
		      "with size_mb=16, /proc/partitions lists 16384 blocks of 1 KiB for mybrd");
}

static const struct lab_test tests[] = {
	{
		.name = "loads_cleanly",
		.behaviour = "insmod mybrd.ko succeeds: no oops, BUG, WARNING or I/O error in dmesg",
		.judge = judge_loads_cleanly,
		.hint = "insmod's error and dmesg say what failed; look at the error paths of mybrd_init()",
	},
	{
		.name = "registers_major",
		.behaviour = "/proc/devices lists mybrd with a major number",
		.judge = judge_major,
		.hint = "TODO 2: register_blkdev(0, \"mybrd\") returns the dynamic major",
		.skeleton_fails = true,
	},
	{
		.name = "dev_node_is_block_device",
		.behaviour = "/dev/mybrd is a block device with mybrd's major, minor 0",
		.judge = judge_node,
		.hint = "TODO 3: set disk->major, first_minor, minors and the name \"mybrd\"; add_disk() (TODO 5) makes the node",
		.skeleton_fails = true,
	},
	{
		.name = "capacity_default",
		.behaviour = "the disk has 4 MiB (8192 sectors) by default",
		.judge = judge_capacity_default,
		.hint = "TODO 4: set_capacity() takes 512-byte sectors: size_mb * 2048",
		.skeleton_fails = true,
	},
	{
		.name = "capacity_matches_size_mb",
		.behaviour = "/sys/block/mybrd/size follows the size_mb parameter",
		.judge = judge_capacity,
		.hint = "TODO 4: set_capacity(disk, (sector_t)size_mb * 2048); TODO 1 accepts 1..1024",
		.skeleton_fails = true,
	},
	{
		.name = "rmmod_removes_disk_and_major",
		.behaviour = "rmmod removes the disk, its node and the major",
		.judge = judge_rmmod,
		.hint = "TODO 6: del_gendisk(), put_disk(), unregister_blkdev(), in the reverse order of init",
		.skeleton_fails = true,
	},
	{
		.name = "reload_twice",
		.behaviour = "load and unload twice; each unload leaves nothing behind",
		.judge = judge_reload,
		.hint = "TODO 6: whatever init registers, exit must release (a disk left behind makes the next add_disk fail)",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_size_zero",
		.behaviour = "size_mb=0 is refused and leaves nothing registered",
		.judge = judge_refused,
		.hint = "TODO 1: return -EINVAL before registering anything when size_mb < 1",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_negative_size",
		.behaviour = "size_mb=-1 is refused and leaves nothing registered",
		.judge = judge_refused,
		.hint = "TODO 1: size_mb is an int: a negative value must be refused with -EINVAL",
		.skeleton_fails = true,
	},
	{
		.name = "rejects_huge_size",
		.behaviour = "size_mb=1048576 (1 TiB) is refused and leaves nothing registered",
		.judge = judge_refused,
		.hint = "TODO 1: refuse sizes above MYBRD_MAX_SIZE_MB with -EINVAL",
		.skeleton_fails = true,
	},
	{
		.name = "partition_entry_matches_size",
		.behaviour = "/proc/partitions lists mybrd with size_mb * 1024 blocks (1 KiB each)",
		.judge = judge_partition,
		.hint = "TODO 4: set_capacity() in 512-byte sectors, size_mb * 2048 (= size_mb * 1024 KiB blocks); TODO 5: add_disk() lists the disk in /proc/partitions",
		.skeleton_fails = true,
	},
};

static const struct lab lab01 = {
	.id = "lab01-register",
	.title = "register a block device",
	LAB_TESTS(tests),
};

int main(int argc, char **argv)
{
	return lab_main(&lab01, argc, argv);
}
