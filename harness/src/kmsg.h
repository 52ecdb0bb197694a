/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A boot's kernel log, from its two sources. The guest copies /dev/kmsg to
 * a virtio port (every message, at memory speed); the serial console gets
 * only errors and worse while the guest lives, and a crash's whole report
 * (an oops or panic makes the console verbose) after the guest's reader
 * stopped. Read together, in the order of their stamps: the port's
 * records, and each console line they lack put in its place.
 *
 * /dev/kmsg's records, one a line: "PRI,SEQ,USEC,FLAGS;TEXT", where TEXT
 * escapes control bytes and "\" as "\xNN" (a newline inside a message
 * too); continuation lines " KEY=VALUE" (device properties) follow.
 */
#ifndef MYBRD_KMSG_H
#define MYBRD_KMSG_H

#include "logread.h"

/* Appends /dev/kmsg's records in text to log, one line per text line. */
int klog_parse_kmsg(struct klog *log, const char *text, size_t len);

/*
 * The boot's log: kmsg_path's records (a missing or empty file: none)
 * merged with console_path's lines by their stamps (a line both have is
 * kept once). -errno if neither file can be read.
 */
int klog_load_boot(struct klog *log, const char *kmsg_path,
		   const char *console_path);

#endif
