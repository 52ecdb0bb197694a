/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The initramfs a suite boots: busybox, harness/guest/ (init.sh as /init,
 * the helpers in /check), the lab's tests.sh, the programs and kernel
 * modules the lab's tests use, and the virtio modules the kernel's log
 * leaves by. A check's module and its index of tests come on ttyS2 once
 * the guest asks for them, so the same image (and the same saved VM,
 * snapshot.c) serves every check of the lab; the console's image holds
 * them instead.
 */
#ifndef MYBRD_GUEST_IMAGE_H
#define MYBRD_GUEST_IMAGE_H

#include "suite.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * The tests a boot runs, "<index> <name> [args]" a line in their order
 * (malloc'ed; its length in *len): /check/index in the guest.
 */
char *guest_index(const struct lab *lab, size_t *len);

/* Has the module been built (or was it given)? Then the image holds it. */
bool guest_module_built(const struct suite_config *cfg);

/* Strips the module as the guest gets it, into path; 0 or -errno. */
int guest_module(const struct suite_config *cfg, char *path, size_t size);

#endif
