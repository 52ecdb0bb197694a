// SPDX-License-Identifier: GPL-2.0
/*
 * make console-labN: the guest's shell on our terminal or our piped stdin.
 * QEMU reads its console input from a pipe we fill, not from our stdin:
 * what arrives before the guest's shell reads its tty would be lost (the
 * serial port drops it), so we hold it until the guest says, on ttyS1,
 * that its shell is ready. At the end of piped input the shell gets an
 * "exit" and the VM powers off (a Ctrl-D that arrives while a command
 * runs is lost: the tty is in canonical mode then, the shell's line
 * editor in raw mode when it reads).
 */
#include "boot.h"
#include "textfile.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* What the guest's login shell prints on ttyS1 before its first prompt. */
#define CONSOLE_READY "@@CONSOLE-READY"

static struct termios saved_tty;
static bool tty_raw;

static void restore_tty(void)
{
	if (tty_raw)
		tcsetattr(0, TCSANOW, &saved_tty);
}

/*
 * A terminal passes each key as it is typed, as QEMU's own stdio does:
 * no echo (the guest echoes), no line editing, Ctrl-C still a signal.
 */
static void make_tty_raw(void)
{
	struct termios t;

	if (!isatty(0) || tcgetattr(0, &saved_tty))
		return;
	t = saved_tty;
	t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
		       ICRNL | IXON);
	t.c_oflag |= OPOST;
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tty_raw = !tcsetattr(0, TCSANOW, &t);
	vm_on_signal(restore_tty);
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= w;
	}
	return true;
}

/* Waits until the guest's shell is ready; false if the VM ended first. */
static bool wait_ready(struct vm *vm, const char *proto)
{
	while (!vm_wait(vm, 20)) {
		char *text = read_text_file(proto, NULL);
		bool ready = text && strstr(text, CONSOLE_READY);

		free(text);
		if (ready)
			return true;
	}
	return false;
}

/*
 * Copies our stdin to QEMU's until it ends or the VM does. At the end, a
 * line's end if the last one had none, and "exit": the shell exits.
 */
static void relay(struct vm *vm, int to_qemu)
{
	char buf[4096], last = '\n';
	struct pollfd in = { .fd = 0, .events = POLLIN };

	while (!vm_wait(vm, 0)) {
		ssize_t n;

		if (poll(&in, 1, 20) <= 0)
			continue;
		n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (last != '\n')
				write_all(to_qemu, "\n", 1);
			write_all(to_qemu, "exit\n", 5);
			return;
		}
		last = buf[n - 1];
		if (!write_all(to_qemu, buf, n))
			return;
	}
}

int suite_console(const struct suite_config *cfg, const struct lab *lab)
{
	struct boot b;
	struct vm_config vc;
	struct vm vm;
	int err, in[2];

	boot_console_paths(cfg, &b);
	err = suite_build_initramfs(cfg, lab, b.initrd, true);
	if (err)
		return err;
	if (pipe(in))
		return -errno;
	remove(b.proto);
	vc = vm_config_for(cfg, &b);
	vc.console_log = NULL;
	vc.console_input_fd = in[0];
	/* QEMU gone, our writes fail instead of killing us. */
	signal(SIGPIPE, SIG_IGN);
	make_tty_raw();
	err = vm_start(&vc, &vm);
	close(in[0]);
	if (!err && wait_ready(&vm, b.proto))
		relay(&vm, in[1]);
	if (!err)
		vm_wait(&vm, -1);
	/* Only now: QEMU may not have read all of it yet. */
	close(in[1]);
	restore_tty();
	return err;
}
