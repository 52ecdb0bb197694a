/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why a test hung, in one sentence a student can act on. When a watched
 * command (insmod, rmmod) does not return in time, the guest asks the
 * kernel for the stacks of its blocked tasks (sysrq w) between the markers
 *   mybrd-check: stalled <command>
 *   mybrd-check: stall dump end
 * and this reads them: which command waits in which kernel function, and
 * what it most likely waits for.
 */
#ifndef MYBRD_DIAGNOSE_H
#define MYBRD_DIAGNOSE_H

#include "logread.h"

/*
 * The sentence for the first stall dump in s ("insmod is waiting in
 * add_disk()'s partition scan for a read your driver received and never
 * ended ..."), malloc'ed; NULL if s holds no stall dump.
 */
char *diagnose_stall(const struct kslice *s);

/*
 * The stalled task's stack, innermost first, "filemap_read_folio <
 * read_part_sector < ... < mybrd_init", without the sleeping frames and
 * the system-call entry; malloc'ed, NULL if s holds no stall dump.
 */
char *stall_stack(const struct kslice *s);

/* The line of s where its first stall dump starts, or s->end. */
size_t stall_start(const struct kslice *s);

/*
 * Did the first problem of s (an oops, a panic) hit while the test's first
 * load_mybrd ran, before its "mybrd-check: loaded" marker (whichever task
 * it hit: the partition scan's reads may run in a kworker)?
 */
bool crashed_while_loading(const struct kslice *s);

/* The command the first stall marker of s names ("insmod"), or NULL. */
const char *stalled_command(const struct kslice *s, char *buf, size_t size);

#endif
