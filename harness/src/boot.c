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
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
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
	/* Where to start comes with the module: a saved VM serves any. */
	snprintf(b->append, sizeof(b->append), "%s%s check.stall=%d",
		 BASE_APPEND, cfg->debug ? DEBUG_APPEND : "",
		 stall_seconds(cfg));
	snprintf(b->feed, sizeof(b->feed), "/tmp/mybrd-feed-%d-%d.sock",
		 (int)getpid(), n);
	snprintf(b->qmp, sizeof(b->qmp), "/tmp/mybrd-qmp-%d-%d.sock",
		 (int)getpid(), n);
	snprintf(b->qemu_log, sizeof(b->qemu_log), "%s/qemu-%d.log",
		 cfg->workdir, n);
	b->first = first;
	b->snap = NULL;
	b->resume = false;
}

void boot_console_paths(const struct suite_config *cfg, struct boot *b)
{
	boot_paths(cfg, 0, 0, b);
	b->index = NULL;
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
		/* The tests' image has no module: it comes on ttyS2. */
		.feed_socket = b->index ? b->feed : NULL,
		.memory_mb = cfg->memory_mb,
		.cpus = cfg->cpus,
		.extra_args = cfg->qemu_args,
		.gdb_port = cfg->gdb_port,
	};

	if (b->snap && b->resume) {
		vc.incoming = b->snap->state;
		vc.qemu_log = b->qemu_log;
	}
	if (b->snap && !b->snap->unusable)
		vc.qmp_socket = b->qmp;
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

/*
 * booting_since: when the boot's limit started (a resumed VM's when it got
 * the module: until then it is only waiting for the build).
 */
static bool overdue(const struct suite_config *cfg, const struct proto *p,
		    double t, double since, double booting_since)
{
	/* gdb may hold the VM stopped for as long as it likes. */
	if (cfg->gdb_port > 0)
		return false;
	if (!p->ready)
		return booting_since >= 0 && t - booting_since > cfg->boot_limit_s;
	if (p->done)
		return t - since > POWEROFF_LIMIT_S;
	return t - since > cfg->test_limit_s;
}

static int count_lines(const char *text, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	return n;
}

/*
 * A seed for the guest's random numbers: a resumed VM's generator would
 * otherwise give every check the same bytes until it next reseeds.
 */
static unsigned long long fresh_seed(void)
{
	unsigned long long seed = 0;
	FILE *f = fopen("/dev/urandom", "rb");

	if (!f || fread(&seed, sizeof(seed), 1, f) != 1)
		seed = (unsigned long long)(now_s() * 1e9) ^ (unsigned)getpid();
	if (f)
		fclose(f);
	return seed;
}

/* The module's md5, as the guest's md5sum prints it: "" if unknown. */
static void md5_of(const char *path, char *sum, size_t size)
{
	char *cmd;
	FILE *p;

	sum[0] = '\0';
	if (asprintf(&cmd, "md5sum < '%s'", path) < 0)
		return;
	p = popen(cmd, "r");
	if (p && size > 32 && fscanf(p, "%32s", sum) != 1)
		sum[0] = '\0';
	if (p)
		pclose(p);
	free(cmd);
}

/* A QEMU that ended meanwhile must not end us: no SIGPIPE. */
static bool write_all(int fd, const void *data, size_t len)
{
	return send(fd, data, len, MSG_NOSIGNAL) == (ssize_t)len;
}

/*
 * Sends what the guest needs to run this boot's tests over the feed
 * socket: a newline, "@@MODULE <module's length> <first test> <seed>
 * <the time> <index's lines> <md5>", the index, the module's bytes
 * (fetch_module in init.sh says why so). The
 * connection must stay open until the VM ends: QEMU drops what the guest
 * has not read yet when its peer hangs up. Returns the socket or -errno.
 */
static int send_module(const struct suite_config *cfg, const struct boot *b)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char path[4200], header[160], sum[33];
	size_t len = 0;
	char *data;
	int fd, err = 0;

	if (guest_module(cfg, path, sizeof(path)))
		return -EIO;
	data = read_text_file(path, &len);
	if (!data)
		return -errno;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", b->feed);
	md5_of(path, sum, sizeof(sum));
	snprintf(header, sizeof(header), "\n@@MODULE %zu %d %016llx %lld %d %s\n",
		 len, b->first, fresh_seed(), (long long)time(NULL),
		 count_lines(b->index, b->index_len), sum);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    !write_all(fd, header, strlen(header)) ||
	    !write_all(fd, b->index, b->index_len) ||
	    !write_all(fd, data, len))
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
	if (cfg->build && !module_build_poll(cfg->build, false)) {
		*since = t;
		return 0;
	}
	if (!guest_module_built(cfg))
		return -ECANCELED;
	if (!p->want_module)
		return 0;
	*since = t;
	*feed_fd = send_module(cfg, b);
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

/* The module did not reach the guest whole: it said so and powers off. */
static bool feed_broken(const char *proto, struct watch *w)
{
	const char *line = proto ? strstr(proto, "@@FEED-BROKEN ") : NULL;

	if (line)
		snprintf(w->why, sizeof(w->why), "the module reached the VM damaged: %.*s",
			 (int)strcspn(line + 14, "\r\n"), line + 14);
	return line;
}

static struct snapshot_logs logs_of(const struct boot *b)
{
	return (struct snapshot_logs){
		.console = b->console, .proto = b->proto,
		.kmsg = b->kmsg[0] ? b->kmsg : NULL,
	};
}

/*
 * Fresh log files, or for a resumed VM the saved boot's: the tests then
 * find the same log a boot leaves. *prefilled: the protocol log's length.
 */
static int prepare_logs(const struct boot *b, size_t *prefilled)
{
	struct snapshot_logs logs = logs_of(b);
	struct stat st;
	int err;

	remove(b->console);
	remove(b->kmsg);
	remove(b->proto);
	remove(b->qemu_log);
	*prefilled = 0;
	if (!b->resume)
		return 0;
	err = snapshot_prefill(b->snap, &logs);
	if (!err && !stat(b->proto, &st))
		*prefilled = st.st_size;
	return err;
}

/* Saves the VM where it waits for the module, once: a later check resumes. */
static void save_once(const struct boot *b, const struct proto *p,
		      struct watch *w, bool *saved)
{
	struct snapshot_logs logs = logs_of(b);

	if (*saved || !p->want_module || !b->snap || b->resume ||
	    b->snap->unusable)
		return;
	*saved = true;
	if (snapshot_save(b->snap, b->qmp, &logs, w->why, sizeof(w->why)))
		w->save_failed = true;
}

/* Why a resumed VM never came back: QEMU's last line, or its silence. */
static void resume_failure(const struct suite_config *cfg,
			   const struct boot *b, struct watch *w, bool killed)
{
	char *text = read_text_file(b->qemu_log, NULL);
	char *last = NULL;

	for (char *line = text ? strtok(text, "\n") : NULL; line;
	     line = strtok(NULL, "\n"))
		last = line;
	w->resume_failed = true;
	if (w->why[0] && !last)
		return;		/* snapshot_wait_resumed() said why */
	if (last)
		snprintf(w->why, sizeof(w->why), "QEMU said: %s", last);
	else if (killed)
		snprintf(w->why, sizeof(w->why),
			 "the guest did not answer within %.0f s",
			 cfg->boot_limit_s);
	else
		snprintf(w->why, sizeof(w->why), "QEMU ended at once");
	free(text);
}

int watch_boot(const struct suite_config *cfg, const struct boot *b,
	       int ntests, struct watch *w)
{
	struct vm_config vc = vm_config_for(cfg, b);
	struct log_arrival arrival = { .stalled_since = -1 };
	double start = now_s(), since = 0;
	/* A resumed VM's limit starts once it has the module. */
	double booting_since = b->resume ? -1 : 0;
	int feed_fd = -1, last = -1, err = 0;
	bool saved = false, alive = !b->resume;
	size_t prefilled;
	struct vm vm;

	err = prepare_logs(b, &prefilled);
	unlink(b->feed);
	unlink(b->qmp);
	if (!err)
		err = vm_start(&vc, &vm);
	if (err)
		return err;
	/* Until then the guest's ports are not yet its own. */
	if (b->resume && snapshot_wait_resumed(b->qmp, cfg->boot_limit_s,
					       w->why, sizeof(w->why)))
		vm_kill(&vm);
	while (!vm_wait(&vm, 20)) {
		double t = now_s() - start;
		struct proto p;
		size_t len = 0;
		char *text = read_text_file(b->proto, &len);

		proto_parse(&p, text, ntests);
		/* Resumed: ready once the guest says more than it had. */
		alive = alive || (len > prefilled && !feed_broken(text, w));
		free(text);
		p.ready = p.ready && alive;
		note_progress(&p, w, t, &last, &since);
		save_once(b, &p, w, &saved);
		if (vc.feed_socket)
			err = feed_module(cfg, b, &p, &feed_fd, &since, t);
		if (feed_fd >= 0 && booting_since < 0)
			booting_since = t;
		bool late = overdue(cfg, &p, t, since, booting_since) ||
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
	unlink(b->qmp);
	if (!alive && !err)
		resume_failure(cfg, b, w, w->killed);
	if (err)
		return err;
	/* The test that was running when QEMU stopped: it ran until now. */
	if (last >= 0 && last % 2 == 0 && last / 2 < ntests)
		w->test_seconds[last / 2] += now_s() - start - since;
	return 0;
}
