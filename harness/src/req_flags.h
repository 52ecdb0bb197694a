/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bits of a bio's bi_opf on the kernel under test, read from its own
 * headers (include/linux/blk_types.h of the KDIR the module is built
 * against): the op in the low REQ_OP_BITS bits (enum req_op: READ 0,
 * WRITE 1, FLUSH 2...) and one flag a bit above them (enum req_flag_bits:
 * __REQ_SYNC, __REQ_RAHEAD...). The flags' positions move between kernel
 * series (6.1 has __REQ_CGROUP_PUNT where 6.12 has __REQ_POLLED), so no
 * judge hard-codes them: it names them ("SYNC") and this decodes.
 */
#ifndef MYBRD_REQ_FLAGS_H
#define MYBRD_REQ_FLAGS_H

#include <stdbool.h>
#include <stddef.h>

struct req_flags;

/*
 * The bits of the kernel whose headers are kdir, read once per process;
 * NULL (and why, in err) if the header cannot be found or read.
 */
const struct req_flags *req_flags_of(const char *kdir, char *err,
				     size_t errlen);

/* REQ_<name>'s mask ("SYNC": 1 << __REQ_SYNC); false if there is none. */
bool req_flag_mask(const struct req_flags *f, const char *name,
		   unsigned long *mask);

/* The op of opf by name ("WRITE"), or NULL for an op the header lacks. */
const char *req_op_name(const struct req_flags *f, unsigned long opf);

/* opf in words, for lessons: "WRITE SYNC IDLE", "READ RAHEAD bit30". */
void req_flags_describe(const struct req_flags *f, unsigned long opf,
			char *buf, size_t len);

#endif
