// SPDX-License-Identifier: GPL-2.0
#include "debug_tests.h"
#include "format.h"
#include "symbolize.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char HINT_UNWIND[] =
	"init's error path must undo every step before the one that failed, in reverse order (goto labels: put_disk(), blk_mq_free_tag_set(), kfree(), unregister_blkdev()), and return the error";
static const char HINT_FREE[] =
	"exit, and init's error paths, must free what init and the I/O path allocated: kfree() what kmalloc() gave, put_disk() the disk, blk_mq_free_tag_set() the tag set";

/* "add_disk() in mybrd_create_disk()": what step i made fail (dmesg). */
static void step_name(const struct judge *j, long i, char *out, size_t size)
{
	const struct kslice *s = &j->result->dmesg;
	char prefix[64];

	snprintf(out, size, "step %ld", i);
	snprintf(prefix, sizeof(prefix), "mybrd-fault: step %ld: ", i);
	for (size_t l = s->first; s->log && l < s->end; l++) {
		/* After the driver's pr_fmt ("mybrd: "). */
		const char *line = strstr(s->log->lines[l], prefix);
		const char *end;

		if (!line)
			continue;
		line += strlen(prefix);
		end = strstr(line, " fails on purpose");
		snprintf(out, size, "%.*s (step %ld of init)",
			 end ? (int)(end - line) : (int)strlen(line), line, i);
		return;
	}
}

/* After step i failed: an error and nothing left, or a whole module. */
static bool judge_step(struct judge *j, long i)
{
	char key[32], name[256];
	const char *left, *unloaded;
	long rc;

	step_name(j, i, name, sizeof(name));
	snprintf(key, sizeof(key), "rc_%ld", i);
	/* Of many steps the guest tries some (debug.sh's steps_to_try). */
	if (!fact_of(j, key))
		return true;
	if (!fact_number(j, key, &rc))
		return expect_that(j, false, "insmod's status with each step failing",
				   "%s=%s when %s failed", key, fact_of(j, key), name);
	snprintf(key, sizeof(key), "left_%ld", i);
	left = fact_of(j, key);
	left = left ? left : "?";
	if (rc)
		return expect_that(j, !strcmp(left, "nothing"),
				   "a failed insmod leaves nothing registered",
				   "when %s failed, insmod failed (good) but left %s behind",
				   name, left);
	/* Handled: an I/O error in add_disk()'s partition scan, say. */
	if (!expect_that(j, strstr(left, "module") && strstr(left, "major") &&
			 strstr(left, "disk"),
			 "init fails when a step fails (or, if it can go on, the disk is there)",
			 "when %s failed, insmod succeeded with only \"%s\" there: init ignored the error",
			 name, left))
		return false;
	snprintf(key, sizeof(key), "unloaded_%ld", i);
	unloaded = fact_of(j, key);
	return expect_that(j, unloaded && !strcmp(unloaded, "nothing"),
			   "rmmod leaves nothing registered",
			   "after %s failed and rmmod, %s was left", name,
			   unloaded ? unloaded : "?");
}

static void judge_init_error_paths(struct judge *j)
{
	long steps;

	judge_hint(j, "the checker builds the module with harness/kernel/mybrd_debug.h in DEBUG mode; a prebuilt MODULE= has no fault_steps");
	if (!expect_ok(j) ||
	    !expect_that(j, fact_number(j, "steps", &steps) && steps > 0,
			 "init's fallible calls counted (fault_steps)",
			 "steps=%s", fact_of(j, "steps") ? fact_of(j, "steps") : "(none)"))
		return;
	judge_hint(j, NULL);
	if (!expect_that(j, fact_of(j, "rc_1"), "insmod tried with the first step failing",
			 "no rc_1 of %ld steps", steps))
		return;
	for (long i = 1; i <= steps; i++)
		if (!judge_step(j, i))
			return;
}

/* --- kmemleak ---------------------------------------------------------- */

/* Where the module was loaded, from the guest's "sections" marks. */
struct load {
	char section[16];
	uint64_t base;
};

static int find_loads(const struct judge *j, struct load *out, int max)
{
	const struct klog *log = j->result->dmesg.log;
	static const char mark[] = KLOG_MARKER "sections";
	int n = 0;

	for (size_t l = 0; log && l < log->n && n < max; l++) {
		const char *p = log->lines[l];

		if (strncmp(p, mark, strlen(mark)))
			continue;
		p += strlen(mark);
		while (n < max && *p) {
			unsigned long long v;
			int used = 0;

			if (sscanf(p, " %15[^=]=0x%llx%n", out[n].section, &v,
				   &used) != 2 || !used)
				break;
			out[n++].base = v;
			p += used;
		}
	}
	return n;
}

/* A frame of a kmemleak backtrace, in the driver: where, or NULL. */
static char *driver_frame(const struct judge *j, const char *frame,
			  const struct load *loads, int nloads)
{
	const char *f = strstr(frame, "] ");
	unsigned long long addr;

	if (!f)
		return NULL;
	f += 2;
	if (strstr(f, "[mybrd]"))
		return symbolize_frame(j->module, f, true);
	/* After rmmod %pS prints the bare address: "0xffffffffc0201234". */
	if (sscanf(f, "0x%llx", &addr) != 1)
		return NULL;
	for (int i = nloads - 1; i >= 0; i--) {
		uint64_t size = section_size(j->module, loads[i].section);

		if (addr >= loads[i].base && addr - loads[i].base < size)
			return symbolize_in_section(j->module, loads[i].section,
						    addr - 1 - loads[i].base);
	}
	return NULL;
}

/* The driver's objects in kmemleak's report: how many, the first's story. */
static int driver_leaks(const struct judge *j, char *first, size_t size)
{
	struct load loads[96];
	int nloads = find_loads(j, loads, 96), leaks = 0;
	const char *p = j->result->output;
	char object[128] = "", via[128] = "";
	bool counted = false;

	while (p && *p) {
		const char *nl = strchrnul(p, '\n');
		char line[512], *where;

		snprintf(line, sizeof(line), "%.*s", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
		if (!strncmp(line, "unreferenced object ", 20)) {
			/* "unreferenced object 0xffff8880 (size 32):" */
			const char *size = strstr(line, "(size ");

			snprintf(object, sizeof(object), "%.*s bytes",
				 size ? (int)strcspn(size + 6, ")") : 1,
				 size ? size + 6 : "?");
			via[0] = '\0';
			counted = false;
			continue;
		}
		if (counted || !object[0] || !strstr(line, "[<"))
			continue;
		where = driver_frame(j, line, loads, nloads);
		if (!where) {
			/* The allocator's frame, for the story: "kmalloc_trace". */
			const char *f = strstr(line, "] ");

			if (f && !strstr(f, "kmemleak") && strncmp(f + 2, "0x", 2))
				snprintf(via, sizeof(via), "%.*s",
					 (int)strcspn(f + 2, "+"), f + 2);
			continue;
		}
		if (!leaks++)
			snprintf(first, size, "%.60s, allocated%s%s in %s",
				 object, via[0] ? " by " : "", via, where);
		counted = true;
		free(where);
	}
	return leaks;
}

static void judge_no_leaks(struct judge *j)
{
	char first[700] = "";
	int leaks;

	if (!expect_ok(j) ||
	    !expect_fact(j, "kmemleak", "scanned", "kmemleak scanned after rmmod (the debug kernel has it)") ||
	    !expect_number(j, "rmmod_rc", 0, "rmmod succeeds"))
		return;
	leaks = driver_leaks(j, first, sizeof(first));
	judge_hint(j, HINT_FREE);
	expect_that(j, leaks == 0,
		    "kmemleak finds nothing the driver allocated and never freed, after the last rmmod",
		    "kmemleak found %d object%s the driver allocated and never freed; the first: %s",
		    leaks, leaks == 1 ? "" : "s", first);
	judge_hint(j, NULL);
}

const struct lab_test debug_tests[] = {
	{
		.name = "init_error_paths",
		.behaviour = "DEBUG: each fallible call of init made to fail in turn: insmod fails and leaves nothing registered",
		.judge = judge_init_error_paths,
		.hint = HINT_UNWIND,
	},
	{
		.name = "no_leaks_after_rmmod",
		.behaviour = "DEBUG: after the last rmmod, kmemleak finds nothing the driver allocated and never freed",
		.judge = judge_no_leaks,
		.hint = HINT_FREE,
	},
};

const int ndebug_tests = sizeof(debug_tests) / sizeof(debug_tests[0]);
