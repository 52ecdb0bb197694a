// SPDX-License-Identifier: GPL-2.0
#include "snapshot.h"
#include "clock.h"
#include "hash.h"
#include "qmp.h"
#include "textfile.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The snapshots kept (each some 70-150 MB): the most recently used. */
#define KEEP_SNAPSHOTS 32
/*
 * A state that did not resume is saved anew once (a file cut short by a
 * full disk, say); after a second failure this host boots.
 */
#define GIVE_UP_AFTER 2
/* Saving a guest that waits is fast (0.3 s for 512 MiB under TCG). */
#define SAVE_LIMIT_S 30.0

static const char *const log_names[] = { "console", "proto", "kmsg" };

/* QEMU's version, and where its binary and firmware came from. */
static uint64_t hash_qemu(uint64_t h)
{
	static const char *const files[] = {
		"/usr/bin/qemu-system-x86_64", "/usr/share/qemu",
		"/usr/share/seabios",
	};
	FILE *p = popen("qemu-system-x86_64 --version 2>&1", "r");
	char line[512];

	while (p && fgets(line, sizeof(line), p))
		h = hash_text(h, line);
	if (p)
		pclose(p);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		h = hash_stat(h, files[i]);
	return h;
}

/* vc's command line with its per-boot file names taken out. */
static char *canonical_command(const struct vm_config *vc)
{
	struct vm_config c = *vc;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	c.kernel = "KERNEL";
	c.initrd = "INITRD";
	c.console_log = vc->console_log ? "CONSOLE" : NULL;
	c.proto_log = "PROTO";
	c.kmsg_log = vc->kmsg_log ? "KMSG" : NULL;
	c.feed_socket = vc->feed_socket ? "FEED" : NULL;
	c.qmp_socket = NULL;
	c.incoming = NULL;
	c.qemu_log = NULL;
	vm_print_command(&c, f);
	fclose(f);
	return text;
}

/* How often resuming this key failed: a line of its .failed file each. */
static int failures(const char *failed)
{
	char *text = read_text_file(failed, NULL);
	int n = 0;

	for (char *p = text; p && *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}

int snapshot_find(const char *root, const struct vm_config *vc,
		  struct snapshot *s)
{
	uint64_t h = HASH_START;
	char *command = canonical_command(vc);
	int err = 0;

	memset(s, 0, sizeof(*s));
	if (!command)
		return -ENOMEM;
	h = hash_text(h, "mybrd snapshot 1");
	h = hash_text(h, command);
	free(command);
	h = hash_stat(h, vc->kernel);
	h = hash_file(h, vc->initrd, &err);
	h = hash_qemu(h);
	if (err)
		return err;
	mkdir(root, 0755);
	snprintf(s->key, sizeof(s->key), "%016llx", (unsigned long long)h);
	snprintf(s->dir, sizeof(s->dir), "%s/%s", root, s->key);
	snprintf(s->state, sizeof(s->state), "%s/vmstate", s->dir);
	snprintf(s->failed, sizeof(s->failed), "%s.failed", s->dir);
	s->unusable = failures(s->failed) >= GIVE_UP_AFTER;
	s->exists = !s->unusable && !access(s->state, R_OK);
	if (s->exists)
		utimensat(AT_FDCWD, s->dir, NULL, 0);	/* recently used */
	return 0;
}

/* A log QEMU has not opened yet is an empty one: nothing to copy. */
static int copy_log(const char *from, const char *to)
{
	int err = copy_text_file(from, to);

	return err == -ENOENT ? 0 : err;
}

static const char *log_path(const struct snapshot_logs *logs, int i)
{
	const char *paths[] = { logs->console, logs->proto, logs->kmsg };

	return paths[i];
}

/* Removes a snapshot's directory: its files are ours, none nested. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4400];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

struct entry {
	char name[256];
	time_t used;
};

static int newest_first(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return (y->used > x->used) - (y->used < x->used);
}

/* Keeps the KEEP_SNAPSHOTS most recently used; the rest go. */
static void prune(const char *root)
{
	struct entry e[256];
	int n = 0;
	DIR *d = opendir(root);
	struct dirent *de;
	char path[4400];
	struct stat st;

	while (d && (de = readdir(d)) && n < 256) {
		snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
		if (de->d_name[0] == '.' || strlen(de->d_name) != 16 ||
		    stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		snprintf(e[n].name, sizeof(e[n].name), "%s", de->d_name);
		e[n++].used = st.st_mtime;
	}
	if (d)
		closedir(d);
	qsort(e, n, sizeof(e[0]), newest_first);
	for (int i = KEEP_SNAPSHOTS; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", root, e[i].name);
		remove_dir(path);
	}
}

/* Waits for the migration's end: the VM is stopped once it completed. */
static int wait_migration(int qmp, double deadline, char *why, size_t size)
{
	struct timespec nap = { .tv_nsec = 10 * 1000 * 1000 };
	char reply[4096];

	while (now_s() < deadline) {
		int err = qmp_execute(qmp, "{\"execute\": \"query-migrate\"}",
				      reply, sizeof(reply), deadline - now_s());

		if (err) {
			snprintf(why, size, "query-migrate: %s", strerror(-err));
			return err;
		}
		if (strstr(reply, "\"completed\""))
			return 0;
		if (strstr(reply, "\"failed\"") || strstr(reply, "\"cancelled\"")) {
			snprintf(why, size, "migration: %.200s", reply);
			return -EIO;
		}
		nanosleep(&nap, NULL);
	}
	snprintf(why, size, "the migration took over %.0f s", SAVE_LIMIT_S);
	return -ETIMEDOUT;
}

/* The stream, then the logs as they are while the VM is stopped. */
static int save_into(int qmp, const char *tmp, const struct snapshot_logs *logs,
		     double deadline, char *why, size_t size)
{
	char command[4600], reply[4096], path[4400];
	int err;

	if (strpbrk(tmp, "'\"\\")) {
		snprintf(why, size, "the path %s has quotes", tmp);
		return -EINVAL;
	}
	/* 7.2's default bandwidth is 32 MiB/s: a local file takes more. */
	qmp_execute(qmp, "{\"execute\": \"migrate-set-parameters\", \"arguments\": {\"max-bandwidth\": 10000000000}}",
		    reply, sizeof(reply), deadline - now_s());
	snprintf(command, sizeof(command),
		 "{\"execute\": \"migrate\", \"arguments\": {\"uri\": \"exec:cat > '%s/vmstate'\"}}",
		 tmp);
	err = qmp_execute(qmp, command, reply, sizeof(reply), deadline - now_s());
	if (err) {
		snprintf(why, size, "migrate: %.200s", reply);
		return err;
	}
	err = wait_migration(qmp, deadline, why, size);
	for (int i = 0; !err && i < 3; i++) {
		if (!log_path(logs, i))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp, log_names[i]);
		err = copy_log(log_path(logs, i), path);
		if (err)
			snprintf(why, size, "copying the %s log: %s",
				 log_names[i], strerror(-err));
	}
	return err;
}

int snapshot_save(const struct snapshot *s, const char *qmp_socket,
		  const struct snapshot_logs *logs, char *why, size_t size)
{
	double deadline = now_s() + SAVE_LIMIT_S;
	char tmp[4200], reply[4096], root[4096];
	int qmp, err;

	qmp = qmp_open(qmp_socket, 5.0);
	if (qmp < 0) {
		snprintf(why, size, "QEMU's monitor: %s", strerror(-qmp));
		return qmp;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp-%d", s->dir, (int)getpid());
	remove_dir(tmp);
	if (mkdir(tmp, 0755)) {
		err = -errno;
		snprintf(why, size, "%s: %s", tmp, strerror(errno));
	} else {
		err = save_into(qmp, tmp, logs, deadline, why, size);
	}
	/* Stopped after the migration: it runs on for this check. */
	qmp_execute(qmp, "{\"execute\": \"cont\"}", reply, sizeof(reply), 5.0);
	close(qmp);
	/* Another check may have saved the same meanwhile: either will do. */
	if (err || rename(tmp, s->dir))
		remove_dir(tmp);
	snprintf(root, sizeof(root), "%s", s->dir);
	*strrchr(root, '/') = '\0';
	prune(root);
	return err;
}

int snapshot_wait_resumed(const char *qmp_socket, double timeout_s,
			  char *why, size_t size)
{
	struct timespec nap = { .tv_nsec = 10 * 1000 * 1000 };
	double deadline = now_s() + timeout_s;
	char reply[4096];
	int qmp = qmp_open(qmp_socket, timeout_s), err = -ETIMEDOUT;

	if (qmp < 0) {
		snprintf(why, size, "QEMU's monitor: %s", strerror(-qmp));
		return qmp;
	}
	while (now_s() < deadline) {
		err = qmp_execute(qmp, "{\"execute\": \"query-status\"}",
				  reply, sizeof(reply), deadline - now_s());
		if (err || strstr(reply, "\"running\": true"))
			break;
		err = -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
	close(qmp);
	if (err)
		snprintf(why, size, "the saved state did not load within %.0f s (%s)",
			 timeout_s, strerror(-err));
	return err;
}

int snapshot_prefill(const struct snapshot *s, const struct snapshot_logs *logs)
{
	char path[4400];

	for (int i = 0; i < 3; i++) {
		int err;

		if (!log_path(logs, i))
			continue;
		snprintf(path, sizeof(path), "%s/%s", s->dir, log_names[i]);
		remove(log_path(logs, i));
		err = copy_log(path, log_path(logs, i));
		if (err)
			return err;
	}
	return 0;
}

bool snapshot_discard(struct snapshot *s, const char *why)
{
	FILE *f = fopen(s->failed, "a");

	if (f) {
		fprintf(f, "%s\n", why);
		fclose(f);
	}
	remove_dir(s->dir);
	s->exists = false;
	s->unusable = failures(s->failed) >= GIVE_UP_AFTER;
	return s->unusable;
}
