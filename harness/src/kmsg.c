// SPDX-License-Identifier: GPL-2.0
#include "kmsg.h"
#include "textfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex_digit(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Adds a record's text (len bytes at s, escaped) as lines stamped usec: a
 * "\x0a" in it starts another line, other escapes become their byte.
 */
static int add_record(struct klog *log, const char *s, size_t len,
		      long long usec, long long seq, char *buf)
{
	size_t o = 0, first = log->n;
	int err = 0;

	for (size_t i = 0; i < len && !err; i++) {
		int hi = i + 3 < len && s[i] == '\\' && s[i + 1] == 'x' ?
			 hex_digit(s[i + 2]) : -1;
		int lo = hi >= 0 ? hex_digit(s[i + 3]) : -1;
		char c = s[i];

		if (lo >= 0) {
			c = (char)(hi << 4 | lo);
			i += 3;
		}
		if (c == '\n') {
			err = klog_add(log, buf, o, usec);
			o = 0;
		} else if (c != '\r' && c != '\0') {
			buf[o++] = c;
		}
	}
	if (!err)
		err = klog_add(log, buf, o, usec);
	for (size_t i = first; !err && i < log->n; i++)
		log->seq[i] = seq;
	return err;
}

/*
 * "PRI,SEQ,USEC,FLAGS" before the ";" at end (not sscanf: glibc's reads
 * the whole rest of the text first, and a log has a million records).
 */
static bool record_header(const char *l, const char *end,
			  unsigned long long *seq, unsigned long long *usec)
{
	unsigned long long v[3];
	const char *p = l;

	for (int k = 0; k < 3; k++) {
		char *after;

		if (!isdigit((unsigned char)*p))
			return false;
		v[k] = strtoull(p, &after, 10);
		if (after >= end || *after != ',')
			return false;
		p = after + 1;
	}
	*seq = v[1];
	*usec = v[2];
	return true;
}

int klog_parse_kmsg(struct klog *log, const char *text, size_t len)
{
	unsigned long long seq, usec, last_seq = 0;
	bool any = false;
	size_t pos = 0;
	char *buf = malloc(len + 1);
	int err = 0;

	if (!buf)
		return -ENOMEM;
	while (pos < len && !err) {
		const char *l = text + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		const char *body = memchr(l, ';', n);

		pos += n + 1;
		/* " KEY=VALUE" properties; a record cut short by the kill. */
		if (l[0] == ' ' || !body || !record_header(l, body, &seq, &usec))
			continue;
		/* A reader started again sends nothing twice; be sure. */
		if (any && seq <= last_seq)
			continue;
		any = true;
		last_seq = seq;
		body++;
		err = add_record(log, body, n - (size_t)(body - l),
				 (long long)usec, (long long)seq, buf);
	}
	free(buf);
	return err;
}

/* Is console line text, stamped usec, one of kmsg's lines from i on? */
static bool logged(const struct klog *kmsg, size_t i, long long usec,
		   const char *text)
{
	for (; i < kmsg->n && kmsg->usec[i] == usec; i++)
		if (!strcmp(kmsg->lines[i], text))
			return true;
	return false;
}

static int copy_line(struct klog *out, const struct klog *from, size_t i)
{
	int err = klog_add(out, from->lines[i], strlen(from->lines[i]),
			   from->usec[i]);

	if (!err)
		out->seq[out->n - 1] = from->seq[i];
	return err;
}

/*
 * Both logs in the order of their stamps, each console line that kmsg
 * lacks (the reader lost it, or never got it: a crash stopped the VM)
 * put in its place. An unstamped console line goes with the stamped one
 * before it; those before any stamp are the firmware's, kept only when
 * kmsg is empty.
 */
static int merge(struct klog *out, const struct klog *kmsg,
		 const struct klog *console)
{
	bool taking = !kmsg->n;
	size_t i = 0;
	int err = 0;

	for (size_t j = 0; j < console->n && !err; j++) {
		long long u = console->usec[j];

		if (u >= 0) {
			while (i < kmsg->n && kmsg->usec[i] < u && !err)
				err = copy_line(out, kmsg, i++);
			taking = !logged(kmsg, i, u, console->lines[j]);
		}
		if (taking && !err)
			err = copy_line(out, console, j);
	}
	while (i < kmsg->n && !err)
		err = copy_line(out, kmsg, i++);
	return err;
}

int klog_load_boot(struct klog *log, const char *kmsg_path,
		   const char *console_path)
{
	struct klog kmsg = { 0 }, console;
	size_t len = 0;
	char *text = kmsg_path ? read_text_file(kmsg_path, &len) : NULL;
	int err = 0, cerr;

	memset(log, 0, sizeof(*log));
	if (text)
		err = klog_parse_kmsg(&kmsg, text, len);
	free(text);
	cerr = klog_load(&console, console_path);
	if (cerr)
		memset(&console, 0, sizeof(console));
	if (!err)
		err = merge(log, &kmsg, &console);
	klog_free(&console);
	klog_free(&kmsg);
	if (!err && cerr && !log->n)
		err = cerr;
	if (err)
		klog_free(log);
	return err;
}
