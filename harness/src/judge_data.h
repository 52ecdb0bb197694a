/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Judges of the data helpers of harness/guest/data.sh: a step made with
 * run() ("KEY=ok" or "KEY=failed: ..."), a comparison made with same()
 * ("KEY=yes" or where the data first differ) and a read made with get()
 * (both). The labs that move data share them.
 */
#ifndef MYBRD_JUDGE_DATA_H
#define MYBRD_JUDGE_DATA_H

#include "judge.h"

/*
 * The hint of a step that fails with an I/O error: where such errors come
 * from in the lab's driver. Set once, before lab_main(); NULL (the default)
 * keeps the test's own hint.
 */
void judge_data_io_error_hint(const char *hint);

/* A step run with run(): expects "KEY=ok" ("<what> succeeds"). */
bool expect_step(struct judge *j, const char *key, const char *what);

/* A step run with run() that must fail: expects "KEY=failed...". */
bool expect_failed(struct judge *j, const char *key, const char *expected);

/* A comparison made with same() or get(): expects "KEY=yes". */
bool expect_same(struct judge *j, const char *key, const char *what);

/* get KEY ...: KEY_read=ok, and KEY=yes (what reads back was written). */
bool expect_read(struct judge *j, const char *key, const char *what);

#endif
