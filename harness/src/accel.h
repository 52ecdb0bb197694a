/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --accel auto: KVM where harness/tools/accel.sh's bounded probe booted
 * the kernel under it on this host (its answer is cached per host), TCG
 * otherwise. One place for the checkers and the bench.
 */
#ifndef MYBRD_ACCEL_H
#define MYBRD_ACCEL_H

#include <stddef.h>

/*
 * "kvm" or "tcg" for accel ("auto" asks the probe; anything else is
 * returned as it is); why in reason ("" unless it was auto).
 */
const char *resolve_accel(const char *accel, const char *root,
			  const char *kernel_env, char *reason, size_t size);

#endif
