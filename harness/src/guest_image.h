/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initramfs a suite boots: busybox, harness/guest/ (init.sh as /init,
 * the helpers in /check), the lab's tests.sh and index, the module once
 * built, the programs and kernel modules the lab's tests use, and the
 * virtio modules the kernel's log leaves by.
 */
#ifndef MYBRD_GUEST_IMAGE_H
#define MYBRD_GUEST_IMAGE_H

#include "suite.h"

#include <stdbool.h>
#include <stddef.h>

/* Has the module been built (or was it given)? Then the image holds it. */
bool guest_module_built(const struct suite_config *cfg);

/* Strips the module as the guest gets it, into path; 0 or -errno. */
int guest_module(const struct suite_config *cfg, char *path, size_t size);

#endif
