// SPDX-License-Identifier: GPL-2.0
#include "qmp.h"
#include "clock.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* One line of QEMU's (each answer and event is one), by the deadline. */
static int read_line(int fd, char *buf, size_t size, double deadline)
{
	size_t n = 0;

	while (n + 1 < size) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int left_ms = (int)((deadline - now_s()) * 1000);
		ssize_t r;

		if (left_ms <= 0 || poll(&pfd, 1, left_ms) <= 0)
			return -ETIMEDOUT;
		r = read(fd, buf + n, 1);
		if (r <= 0)
			return r ? -errno : -ECONNRESET;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return 0;
}

/* QEMU creates the socket as it starts: try until the deadline. */
static int connect_by(const char *socket_path, double deadline)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct timespec nap = { .tv_nsec = 10 * 1000 * 1000 };

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", socket_path);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		if (!connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
			return fd;
		close(fd);
		if (now_s() > deadline)
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
}

int qmp_open(const char *socket_path, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	char line[4096];
	int fd = connect_by(socket_path, deadline), err;

	if (fd < 0)
		return fd;
	err = read_line(fd, line, sizeof(line), deadline);
	if (!err)
		err = qmp_execute(fd, "{\"execute\": \"qmp_capabilities\"}",
				  line, sizeof(line), timeout_s);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int qmp_execute(int fd, const char *command, char *reply, size_t size,
		double timeout_s)
{
	double deadline = now_s() + timeout_s;
	size_t len = strlen(command);

	/* A QEMU that ended must not end us: no SIGPIPE. */
	if (send(fd, command, len, MSG_NOSIGNAL) != (ssize_t)len ||
	    send(fd, "\n", 1, MSG_NOSIGNAL) != 1)
		return -errno;
	for (;;) {
		int err = read_line(fd, reply, size, deadline);

		if (err)
			return err;
		if (strstr(reply, "\"return\""))
			return 0;
		if (strstr(reply, "\"error\""))
			return -EIO;
		/* An event ({"event": ...}): not the answer. */
	}
}
