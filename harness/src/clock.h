/* SPDX-License-Identifier: GPL-2.0 */
/* The one clock the harness times things with. */
#ifndef MYBRD_CLOCK_H
#define MYBRD_CLOCK_H

/* Seconds on the monotonic clock: only differences mean anything. */
double now_s(void);

#endif
