/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Crashes located in the student's source: a frame of a kernel report
 * ("mybrd_queue_rq+0x3e/0x90 [mybrd]") turned into file, line and
 * function, inlined callers included, from the module's own debug
 * information (binutils' objdump and addr2line on the unstripped .ko).
 */
#ifndef MYBRD_SYMBOLIZE_H
#define MYBRD_SYMBOLIZE_H

#include <stdbool.h>
#include <stdint.h>
#include "logread.h"

/*
 * "mybrd.c:212 in mybrd_queue_start(), inlined into mybrd_queue_rq()" for
 * a frame "func+0xoff[/0xlen] [mybrd]" of module ko, malloc'ed; NULL if
 * the frame is not the module's or cannot be resolved. A return address
 * (is_return: a call trace's frame, not the RIP) is looked up one byte
 * back, inside the call.
 */
char *symbolize_frame(const char *ko, const char *frame, bool is_return);

/*
 * Where the first problem of s happened in the driver: its RIP when that
 * is the module's, else the innermost module frame of its call trace,
 * "mybrd.c:212 in mybrd_do_bvec(), inlined into mybrd_queue_rq()" or
 * "memcpy(), called from mybrd.c:200 in mybrd_copy()"; malloc'ed, NULL
 * when the report names no module code.
 */
char *locate_problem(const struct kslice *s, const char *ko);

/*
 * The same for an offset inside one of ko's sections (".text"): a raw
 * address of the module after rmmod, less where the section was loaded.
 */
char *symbolize_in_section(const char *ko, const char *section,
			   uint64_t offset);

/* The size of ko's section (".init.text"), 0 if it has none. */
uint64_t section_size(const char *ko, const char *section);

/* Does module ko define a function named name (its symbol table says)? */
bool module_has_function(const char *ko, const char *name);

#endif
