// SPDX-License-Identifier: GPL-2.0
#include "boot.h"
#include "clock.h"
#include "guest_image.h"
#include "protocol.h"
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/*
 * panic=-1 with -no-reboot: a panic ends QEMU at once. oops=panic: an oops
 * does too, so no later test runs on a half-broken kernel. devkmsg=on: our
 * markers in /dev/kmsg must never be rate-limited away. log_buf_len: a
 * burst of messages waits there for the guest's reader of /dev/kmsg
 * instead of overwriting what it has not read yet. no_timer_check: on a
 * busy host the emulated CPU can miss the early IO-APIC timer test, and
 * the kernel panics ("IO-APIC + timer doesn't work!") before it boots.
 */
#define BASE_APPEND "console=ttyS0 quiet panic=-1 oops=panic printk.devkmsg=on log_buf_len=8M no_timer_check"
/*
 * The debug kernel: the guest's helpers know (check.debug), KASAN reports
 * every bad access, not only the first of the boot.
 */
#define DEBUG_APPEND " check.debug=1 kasan_multi_shot"

/* What the guest writes to /dev/kmsg (init.sh) after a stall's dump, and
 * after the last test: the log is complete up to there. */
#define STALL_DUMPED "mybrd-check: stall dump end"
#define ALL_LOGGED "mybrd-check: all tests done"


/* After @@DONE the guest powers off at once; this is only a safety net. */
#define POWEROFF_LIMIT_S 10.0

/*
 * How long a process may wait in the kernel before the guest reports it
 * stalled: a quarter of the test limit (5 s by default; scaled with it).
 */
static int stall_seconds(const struct suite_config *cfg)
{
	int s = (int)(cfg->test_limit_s / 4 + 0.5);

	return s < 2 ? 2 : s;
}

void boot_paths(const struct suite_config *cfg, int n, int first,
		struct boot *b)
{
	snprintf(b->console, sizeof(b->console), "%s/console-%d.log",
		 cfg->workdir, n);
	snprintf(b->kmsg, sizeof(b->kmsg), "%s/kmsg-%d.log", cfg->workdir, n);
	snprintf(b->proto, sizeof(b->proto), "%s/proto-%d.log", cfg->workdir,
		 n);
	snprintf(b->initrd, sizeof(b->initrd), "%s/initramfs.cpio",
		 cfg->workdir);
	snprintf(b->append, sizeof(b->append), "%s%s check.first=%d check.stall=%d",
		 BASE_APPEND, cfg->debug ? DEBUG_APPEND : "", first,
		 stall_seconds(cfg));
	snprintf(b->feed, sizeof(b->feed), "/tmp/mybrd-feed-%d-%d.sock",
		 (int)getpid(), n);
}

void boot_console_paths(const struct suite_config *cfg, struct boot *b)
{
	boot_paths(cfg, 0, 0, b);
	b->kmsg[0] = '\0';
	snprintf(b->append, sizeof(b->append), "%s%s check.mode=console check.stall=%d",
		 BASE_APPEND, cfg->debug ? DEBUG_APPEND : "",
		 stall_seconds(cfg));
}

struct vm_config vm_config_for(const struct suite_config *cfg,
			       const struct boot *b)
{
	struct vm_config vc = {
		.kernel = cfg->kernel,
		.initrd = b->initrd,
		.append = b->append,
		.accel = cfg->accel,
		.console_log = b->console,
		.kmsg_log = b->kmsg[0] ? b->kmsg : NULL,
		.proto_log = b->proto,
		.feed_socket = guest_module_built(cfg) ? NULL : b->feed,
		.memory_mb = cfg->memory_mb,
		.cpus = cfg->cpus,
		.extra_args = cfg->qemu_args,
		.gdb_port = cfg->gdb_port,
	};
	return vc;
}

static void note_progress(const struct proto *p, struct watch *w,
			  double t, int *last, double *since)
{
	if (p->ready && !w->ready) {
		w->ready = true;
		w->ready_at = t;
		*since = t;
	}
	/* A test ended or another began: the clock starts again. */
	int mark = p->current * 2 + (p->current >= 0 &&
				     p->tests[p->current].ended);
	if (mark != *last) {
		if (*last >= 0 && *last / 2 < p->ntests)
			w->test_seconds[*last / 2] += t - *since;
		*last = mark;
		*since = t;
	}
}

static bool overdue(const struct suite_config *cfg, const struct proto *p,
		    double t, double since)
{
	/* gdb may hold the VM stopped for as long as it likes. */
	if (cfg->gdb_port > 0)
		return false;
	if (!p->ready)
		return t > cfg->boot_limit_s;
	if (p->done)
		return t - since > POWEROFF_LIMIT_S;
	return t - since > cfg->test_limit_s;
}

/*
 * Sends the module over the feed socket: its length, a newline, its bytes.
 * The connection must stay open until the VM ends: QEMU drops what the guest
 * has not read yet when its peer hangs up. Returns the socket or -errno.
 */
static int send_module(const struct suite_config *cfg, const char *socket_path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char path[4200], header[32];
	size_t len = 0;
	char *data;
	int fd, err = 0;

	if (guest_module(cfg, path, sizeof(path)))
		return -EIO;
	data = read_text_file(path, &len);
	if (!data)
		return -errno;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", socket_path);
	snprintf(header, sizeof(header), "%zu\n", len);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    write(fd, header, strlen(header)) != (ssize_t)strlen(header) ||
	    write(fd, data, len) != (ssize_t)len)
		err = -errno;
	free(data);
	if (err && fd >= 0)
		close(fd);
	return err ? err : fd;
}

/*
 * While the module is being built, the guest waits for it: that time is the
 * build's, not a test's, so no limit runs. Returns -ECANCELED when the build
 * failed (the boot is pointless) and -EIO when the module cannot be sent.
 */
static int feed_module(const struct suite_config *cfg, const struct boot *b,
		       const struct proto *p, int *feed_fd, double *since,
		       double t)
{
	if (*feed_fd >= 0)
		return 0;
	if (!module_build_poll(cfg->build, false)) {
		*since = t;
		return 0;
	}
	if (!module_build_ok(cfg->build))
		return -ECANCELED;
	if (!p->want_module)
		return 0;
	*since = t;
	*feed_fd = send_module(cfg, b->feed);
	return *feed_fd < 0 ? *feed_fd : 0;
}

/*
 * The running test has a process stuck in the kernel (the guest's stall
 * watcher said so, after printing the blocked tasks' stacks): waiting for
 * the time limit would only delay the lesson.
 */
static bool stalled(const struct proto *p)
{
	return p->current >= 0 && p->current < p->ntests &&
	       p->tests[p->current].stalled && !p->tests[p->current].ended;
}

/* Where the kernel's log file was searched up to, for each marker. */
struct log_arrival {
	long stall_at, done_at;
	double stalled_since;	/* < 0: no stall yet */
};

/*
 * A stall ends the boot once its dump is in the log the host has (on the
 * console, without a virtio log). The dump is written already: only the
 * reader of /dev/kmsg may lag, behind a driver that floods the log; it
 * gets the stall time (a quarter of the test limit) at most.
 */
static bool stall_logged(const struct suite_config *cfg, const struct boot *b,
			 const struct proto *p, struct log_arrival *a, double t)
{
	if (!stalled(p))
		return false;
	if (a->stalled_since < 0)
		a->stalled_since = t;
	return !p->kmsg || t - a->stalled_since > stall_seconds(cfg) ||
	       text_file_has_new(b->kmsg, &a->stall_at, STALL_DUMPED);
}

/*
 * Every test ran and the log holds their end: the guest waits to be
 * stopped (it cannot tell when the host has the last of its log).
 */
static bool all_logged(const struct boot *b, const struct proto *p,
		       struct log_arrival *a)
{
	return p->done && p->kmsg &&
	       text_file_has_new(b->kmsg, &a->done_at, ALL_LOGGED);
}

int watch_boot(const struct suite_config *cfg, const struct boot *b,
	       int ntests, struct watch *w)
{
	struct vm_config vc = vm_config_for(cfg, b);
	struct log_arrival arrival = { .stalled_since = -1 };
	double start = now_s(), since = 0;
	int feed_fd = -1, last = -1, err = 0;
	struct vm vm;

	remove(b->console);
	remove(b->kmsg);
	remove(b->proto);
	unlink(b->feed);
	err = vm_start(&vc, &vm);
	if (err)
		return err;
	while (!vm_wait(&vm, 20)) {
		double t = now_s() - start;
		struct proto p;
		char *text = read_text_file(b->proto, NULL);

		proto_parse(&p, text, ntests);
		free(text);
		note_progress(&p, w, t, &last, &since);
		if (vc.feed_socket)
			err = feed_module(cfg, b, &p, &feed_fd, &since, t);
		bool late = overdue(cfg, &p, t, since) ||
			    stall_logged(cfg, b, &p, &arrival, t);
		bool finished = all_logged(b, &p, &arrival);

		proto_free(&p);
		if (late || finished || err) {
			w->killed = late && !err;
			vm_kill(&vm);
		}
	}
	if (feed_fd >= 0)
		close(feed_fd);
	unlink(b->feed);
	if (err)
		return err;
	/* The test that was running when QEMU stopped: it ran until now. */
	if (last >= 0 && last % 2 == 0 && last / 2 < ntests)
		w->test_seconds[last / 2] += now_s() - start - since;
	return 0;
}
