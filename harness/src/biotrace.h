/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bio trace, judged (labs 05 and 06). With trace=1 the driver logs a
 * line for every bio it receives,
 *
 *	mybrd: WRITE sector=800 bytes=4096 flags=0x801
 *
 * and a test (harness/guest/biotrace.sh) writes marker lines "step: <name>"
 * to the kernel log around what it does. These read the driver's lines
 * between two markers of the test's dmesg.
 */
#ifndef MYBRD_BIOTRACE_H
#define MYBRD_BIOTRACE_H

#include "judge.h"
#include "req_flags.h"

/* One trace line of the driver: "mybrd: OP sector=S bytes=B flags=0xF". */
/* Lab 06's line ends in " syscall=N"; lab 05's has no such field. */
#define BIO_NO_SYSCALL (-1000)

struct bio_line {
	char op[16];
	unsigned long long sector;
	unsigned long bytes;
	unsigned long flags;
	int syscall;		/* BIO_NO_SYSCALL where the line has none */
};

bool parse_bio_line(const char *line, struct bio_line *b);

/*
 * The test's kernel lines between the markers "step: from" and "step: to".
 * False if either marker is missing (the test stopped before it).
 */
bool step_slice(const struct judge *j, const char *from, const char *to,
		struct kslice *out);

/* step_slice(), failing the test if a marker is missing. */
bool expect_step_slice(struct judge *j, const char *from, const char *to,
		       struct kslice *out);

/* What the driver logged in a slice, for one operation. */
struct io_seen {
	int bios;		/* trace lines of that op */
	unsigned long bytes;	/* their sizes added up */
	bool covers;		/* one of them covers the sector asked about */
	int all;		/* trace lines of any op */
	char text[300];		/* the trace lines, for lessons */
};

/* The trace lines of op ("WRITE") in s, and whether one covers sector. */
struct io_seen io_in(const struct kslice *s, const char *op,
		     unsigned long long sector);

/* The I/O between two markers; fails the test if a marker is missing. */
bool expect_io(struct judge *j, const char *from, const char *to,
	       const char *op, unsigned long long sector, struct io_seen *io);

/* op reached the driver between the markers, for a bio covering sector. */
bool expect_reached(struct judge *j, const char *from, const char *to,
		    const char *op, unsigned long long sector,
		    const char *expected);

/* Nothing of op reached the driver between the markers. */
bool expect_no_io(struct judge *j, const char *from, const char *to,
		  const char *op, const char *expected);

/*
 * The kernel's bi_opf bits (req_flags.h), failing the test with the reason
 * if its headers cannot be read.
 */
const struct req_flags *expect_req_flags(struct judge *j);

/*
 * The flags of the trace line of op covering sector between the markers
 * are as spec says, in the running kernel's bits: "READ -RAHEAD" (the op
 * part is REQ_OP_READ, REQ_RAHEAD is clear), "+SYNC" (REQ_SYNC is set, any
 * op). The lesson shows the line's flags in words.
 */
bool expect_flags(struct judge *j, const char *from, const char *to,
		  const char *op, unsigned long long sector, const char *spec,
		  const char *expected);

/* A flush in s: a trace line WRITE with 0 bytes and REQ_PREFLUSH. */
bool flush_line_in(const struct req_flags *f, const struct kslice *s);

/* No flush (flush_line_in) between the markers. */
bool expect_no_flush(struct judge *j, const char *from, const char *to,
		     const char *expected);

/*
 * The sha256 sums the test printed as want_key and got_key are equal (the
 * data read back is the data written); the lesson says how they differ,
 * not the sums.
 */
bool expect_same_sum(struct judge *j, const char *want_key,
		     const char *got_key, const char *expected);

/*
 * The block the test wrote reads back (O_DIRECT) as written: the fact key
 * (block_sum) equals want_sum (bio_trace_setup). when: "after sync".
 */
bool expect_data(struct judge *j, const char *key, const char *when);

/* The judges of the tests both labs run (functions of biotrace.sh). */
void judge_trace_line_format(struct judge *j);
void judge_drop_caches_keeps_dirty_pages(struct judge *j);

/* Their rows in a lab's tests[]: the hint and skeleton_fails are the lab's. */
/*
 * defaults_are_off's judge: every parameter its .args names is N when
 * insmod is given none, and the driver prints nothing (no trace line, no
 * call stack) for a write and a read.
 */
void judge_defaults_are_off(struct judge *j);

#define TEST_DEFAULTS_ARE_OFF(params_, hint_, skeleton_fails_) {	\
	.name = "defaults_are_off",					\
	.behaviour = "loaded with no parameter, its switches (" params_ ") are off: a write and a read print nothing", \
	.args = params_,						\
	.judge = judge_defaults_are_off,				\
	.hint = (hint_),						\
	.skeleton_fails = (skeleton_fails_),				\
}

#define TEST_TRACE_LINE_FORMAT(hint_, skeleton_fails_) {		\
	.name = "trace_line_format",					\
	.behaviour = "with trace=1 each bio gives one line: mybrd: OP sector=S bytes=B flags=0xF", \
	.judge = judge_trace_line_format,				\
	.hint = (hint_),						\
	.skeleton_fails = (skeleton_fails_),				\
}

#define TEST_DROP_CACHES_KEEPS_DIRTY_PAGES(hint_, skeleton_fails_) {	\
	.name = "drop_caches_keeps_dirty_pages",			\
	.behaviour = "drop_caches neither writes nor loses a dirty page; sync writes it later", \
	.judge = judge_drop_caches_keeps_dirty_pages,			\
	.hint = (hint_),						\
	.skeleton_fails = (skeleton_fails_),				\
}

#endif
