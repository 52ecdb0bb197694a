// SPDX-License-Identifier: GPL-2.0
/*
 * The bio trace, judged: see biotrace.h. Written once for labs 05 and 06,
 * with the judges of the two tests they share.
 */
#include "biotrace.h"
#include "lab.h"

#include <stdio.h>
#include <string.h>

/* The sha256 of no bytes at all: what block_sum prints if dd read nothing. */
#define SHA256_OF_NOTHING \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

bool parse_bio_line(const char *line, struct bio_line *b)
{
	int used = 0;
	char end;

	b->syscall = BIO_NO_SYSCALL;
	if (sscanf(line, "mybrd: %15s sector=%llu bytes=%lu flags=0x%lx%n",
		   b->op, &b->sector, &b->bytes, &b->flags, &used) != 4 ||
	    !used)
		return false;
	line += used;
	return !*line ||
	       sscanf(line, " syscall=%d%c", &b->syscall, &end) == 1;
}

/* Index of the line "step: <name>" in s at or after from, or s->end. */
static size_t find_step(const struct kslice *s, size_t from, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = from; i < s->end; i++) {
		const char *l = s->log->lines[i];

		if (!strncmp(l, "step: ", 6) && !strncmp(l + 6, name, len) &&
		    l[6 + len] == '\0')
			return i;
	}
	return s->end;
}

bool step_slice(const struct judge *j, const char *from, const char *to,
		struct kslice *out)
{
	const struct kslice *s = &j->result->dmesg;
	size_t a, b;

	if (!s->log)
		return false;
	a = find_step(s, s->first, from);
	if (a == s->end)
		return false;
	b = find_step(s, a + 1, to);
	if (b == s->end)
		return false;
	*out = (struct kslice){ .log = s->log, .first = a + 1, .end = b };
	return true;
}

bool expect_step_slice(struct judge *j, const char *from, const char *to,
		       struct kslice *out)
{
	return expect_that(j, step_slice(j, from, to, out),
			   "the test's step markers in the kernel log",
			   "no \"step: %s\" followed by \"step: %s\": the test stopped early",
			   from, to);
}

/* Appends the line to io->text while it fits, for the lesson. */
static void note_line(struct io_seen *io, const struct bio_line *b)
{
	size_t len = strlen(io->text);

	if (len < sizeof(io->text) - 1)
		snprintf(io->text + len, sizeof(io->text) - len,
			 "%s%s sector=%llu bytes=%lu flags=0x%lx",
			 len ? "; " : "", b->op, b->sector, b->bytes,
			 b->flags);
}

/* Does the bio of the line cover sector? */
static bool covers(const struct bio_line *b, unsigned long long sector)
{
	return b->sector <= sector && sector < b->sector + b->bytes / 512;
}

struct io_seen io_in(const struct kslice *s, const char *op,
		     unsigned long long sector)
{
	struct io_seen io = { 0 };
	struct bio_line b;

	for (size_t i = s->first; i < s->end; i++) {
		if (!parse_bio_line(s->log->lines[i], &b))
			continue;
		io.all++;
		note_line(&io, &b);
		if (strcmp(b.op, op))
			continue;
		io.bios++;
		io.bytes += b.bytes;
		if (covers(&b, sector))
			io.covers = true;
	}
	if (!io.all)
		snprintf(io.text, sizeof(io.text), "no mybrd trace line");
	return io;
}

bool expect_io(struct judge *j, const char *from, const char *to,
	       const char *op, unsigned long long sector, struct io_seen *io)
{
	struct kslice s;

	if (!expect_step_slice(j, from, to, &s))
		return false;
	*io = io_in(&s, op, sector);
	return true;
}

bool expect_reached(struct judge *j, const char *from, const char *to,
		    const char *op, unsigned long long sector,
		    const char *expected)
{
	struct io_seen io;

	return expect_io(j, from, to, op, sector, &io) &&
	       expect_that(j, io.covers, expected, "between \"step: %s\" and \"step: %s\": %s",
			   from, to, io.text);
}

bool expect_no_io(struct judge *j, const char *from, const char *to,
		  const char *op, const char *expected)
{
	struct io_seen io;

	return expect_io(j, from, to, op, 0, &io) &&
	       expect_that(j, io.bios == 0, expected, "between \"step: %s\" and \"step: %s\": %s",
			   from, to, io.text);
}

const struct req_flags *expect_req_flags(struct judge *j)
{
	char err[300] = "";
	const struct req_flags *f = req_flags_of(j->headers, err, sizeof(err));

	return expect_that(j, f, "the kernel's REQ_* bits, from its headers",
			   "%s", err) ? f : NULL;
}

/* The first trace line of op in s whose bio covers sector. */
static bool find_bio_line(const struct kslice *s, const char *op,
			  unsigned long long sector, struct bio_line *b)
{
	for (size_t i = s->first; i < s->end; i++)
		if (parse_bio_line(s->log->lines[i], b) &&
		    !strcmp(b->op, op) && covers(b, sector))
			return true;
	return false;
}

/* Where opf differs from spec ("READ -RAHEAD"), in words; "" nowhere. */
static void spec_mismatch(const struct req_flags *f, unsigned long opf,
			  const char *spec, char *out, size_t len)
{
	char words[128], *save = NULL;

	out[0] = '\0';
	snprintf(words, sizeof(words), "%s", spec);
	for (char *w = strtok_r(words, " ", &save); w;
	     w = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(out);
		const char *sep = n ? "; " : "", *op = req_op_name(f, opf);
		unsigned long mask;

		if (*w != '+' && *w != '-') {
			if (!op || strcmp(op, w))
				snprintf(out + n, len - n, "%sits op part is %s, not REQ_OP_%s",
					 sep, op ? op : "unknown", w);
		} else if (!req_flag_mask(f, w + 1, &mask)) {
			snprintf(out + n, len - n, "%sthis kernel has no REQ_%s",
				 sep, w + 1);
		} else if (!(opf & mask) == (*w == '+')) {
			snprintf(out + n, len - n, "%sREQ_%s (0x%lx) is %s",
				 sep, w + 1, mask, *w == '+' ? "not set" : "set");
		}
	}
}

bool expect_flags(struct judge *j, const char *from, const char *to,
		  const char *op, unsigned long long sector, const char *spec,
		  const char *expected)
{
	const struct req_flags *f = expect_req_flags(j);
	char words[160], wrong[300];
	struct bio_line b;
	struct kslice s;

	if (!f || !expect_step_slice(j, from, to, &s))
		return false;
	if (!find_bio_line(&s, op, sector, &b))
		return expect_that(j, false, expected,
				   "no %s line covering sector %llu between \"step: %s\" and \"step: %s\": %s",
				   op, sector, from, to,
				   io_in(&s, op, sector).text);
	spec_mismatch(f, b.flags, spec, wrong, sizeof(wrong));
	req_flags_describe(f, b.flags, words, sizeof(words));
	return expect_that(j, !wrong[0], expected,
			   "%s sector=%llu bytes=%lu flags=0x%lx (%s, in this kernel's bits): %s",
			   b.op, b.sector, b.bytes, b.flags, words, wrong);
}

bool flush_line_in(const struct req_flags *f, const struct kslice *s)
{
	unsigned long preflush;
	struct bio_line b;

	if (!req_flag_mask(f, "PREFLUSH", &preflush))
		return false;
	for (size_t i = s->first; i < s->end; i++)
		if (parse_bio_line(s->log->lines[i], &b) &&
		    !strcmp(b.op, "WRITE") && b.bytes == 0 &&
		    (b.flags & preflush))
			return true;
	return false;
}

bool expect_no_flush(struct judge *j, const char *from, const char *to,
		     const char *expected)
{
	const struct req_flags *f = expect_req_flags(j);
	struct kslice s;

	return f && expect_step_slice(j, from, to, &s) &&
	       expect_that(j, !flush_line_in(f, &s), expected, "%s",
			   io_in(&s, "WRITE", 0).text);
}

/* Why the checksums want and got differ, in words: they mean nothing to read. */
static const char *sum_mismatch(const char *want, const char *got)
{
	if (!want || !*want)
		return "the test printed no checksum of the data it wrote";
	if (!got || !*got)
		return "the test stopped before reading the data back";
	if (!strcmp(got, SHA256_OF_NOTHING))
		return "the read returned no data";
	return "the data reads back with other bytes than were written";
}

bool expect_same_sum(struct judge *j, const char *want_key,
		     const char *got_key, const char *expected)
{
	const char *want = fact_of(j, want_key);
	const char *got = fact_of(j, got_key);

	return expect_that(j, want && got && !strcmp(want, got), expected,
			   "%s", sum_mismatch(want, got));
}

bool expect_data(struct judge *j, const char *key, const char *when)
{
	char expected[160];
	bool ok;

	snprintf(expected, sizeof(expected),
		 "%s, the block reads back from the driver as written", when);
	judge_hint(j, "lab 02's store, mybrd_do_bvec(): the data must survive");
	ok = expect_same_sum(j, "want_sum", key, expected);
	judge_hint(j, NULL);
	return ok;
}

/* One O_DIRECT write and one read of block 2: one line each, exact. */
void judge_trace_line_format(struct judge *j)
{
	struct io_seen w, r;

	expect_ok(j);
	if (!expect_io(j, "write", "written", "WRITE", 16, &w) ||
	    !expect_io(j, "read", "done", "READ", 16, &r))
		return;
	expect_that(j, w.all == 1 && w.bios == 1 && w.covers && w.bytes == 4096,
		    "one line \"mybrd: WRITE sector=16 bytes=4096 flags=0x...\" for an O_DIRECT write of block 2",
		    "%s", w.text);
	expect_that(j, r.all == 1 && r.bios == 1 && r.covers && r.bytes == 4096,
		    "one line \"mybrd: READ sector=16 bytes=4096 flags=0x...\" for an O_DIRECT read of block 2",
		    "%s", r.text);
	expect_data(j, "sum", "after an O_DIRECT write");
}

/* A dirty page outlives drop_caches untouched and reaches the disk at sync. */
void judge_drop_caches_keeps_dirty_pages(struct judge *j)
{
	struct io_seen io;

	expect_ok(j);
	expect_no_io(j, "write", "written", "WRITE",
		     "a buffered write of block 200 (device held open) does not reach the driver");
	if (!expect_io(j, "drop", "dropped", "WRITE", 0, &io))
		return;
	expect_that(j, io.all == 0,
		    "echo 1 > drop_caches neither writes nor reads: no trace line",
		    "%s", io.text);
	expect_reached(j, "sync", "synced", "WRITE", 1600,
		       "the dirty page survived drop_caches: sync writes it (WRITE at sector 1600)");
	expect_data(j, "sum", "after drop_caches and sync");
}

void judge_defaults_are_off(struct judge *j)
{
	char params[256], *save = NULL;
	struct kslice quiet;

	expect_ok(j);
	snprintf(params, sizeof(params), "%s",
		 j->test->args ? j->test->args : "");
	for (char *p = strtok_r(params, " ", &save); p;
	     p = strtok_r(NULL, " ", &save)) {
		char key[64], expected[160];

		snprintf(key, sizeof(key), "param_%s", p);
		snprintf(expected, sizeof(expected),
			 "/sys/module/mybrd/parameters/%s is N when insmod sets no parameter",
			 p);
		expect_fact(j, key, "N", expected);
	}
	expect_no_io(j, "quiet", "quiet_end", "WRITE",
		     "no trace line for a write when no parameter is set");
	expect_no_io(j, "quiet", "quiet_end", "READ",
		     "no trace line for a read when no parameter is set");
	if (expect_step_slice(j, "quiet", "quiet_end", &quiet))
		expect_that(j, klog_find_line(&quiet, quiet.first, "Call Trace:") == quiet.end,
			    "no call stack printed for a write when no parameter is set",
			    "a \"Call Trace:\" between the steps");
}
