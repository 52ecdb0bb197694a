// SPDX-License-Identifier: GPL-2.0
#include "vm.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The one QEMU process group we may have to kill from a signal handler. */
static volatile pid_t running_vm;

static void kill_running_vm(int sig)
{
	if (running_vm > 0)
		kill(-running_vm, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

void vm_install_signal_cleanup(void)
{
	struct sigaction sa = { .sa_handler = kill_running_vm };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void add_arg(const char **argv, int *argc, const char *arg)
{
	argv[(*argc)++] = arg;
}

static void exec_qemu(const struct vm_config *cfg)
{
	char mem[16], smp[16], accel[32], serial0[4096], serial1[4096];
	char feed[4200];
	const char *argv[48];
	int argc = 0;

	snprintf(mem, sizeof(mem), "%d", cfg->memory_mb);
	snprintf(smp, sizeof(smp), "%d", cfg->cpus);
	/*
	 * One host thread for all vCPUs under TCG. With a thread per vCPU,
	 * a vCPU can run code another one is patching (static keys,
	 * text_poke_bp) and the guest oopses on a stray int3, mostly on 6.12.
	 */
	if (!cfg->accel || !strcmp(cfg->accel, "tcg"))
		snprintf(accel, sizeof(accel), "tcg,thread=single");
	else
		snprintf(accel, sizeof(accel), "%s", cfg->accel);
	snprintf(serial1, sizeof(serial1), "file:%s", cfg->proto_log);
	if (cfg->console_log)
		snprintf(serial0, sizeof(serial0), "file:%s",
			 cfg->console_log);
	else
		snprintf(serial0, sizeof(serial0), "mon:stdio");

	add_arg(argv, &argc, "qemu-system-x86_64");
	/* q35 + PVH boots in about 2 s under TCG; microvm can hang (TSC). */
	add_arg(argv, &argc, "-machine");
	add_arg(argv, &argc, "q35");
	add_arg(argv, &argc, "-accel");
	add_arg(argv, &argc, accel);
	/*
	 * QEMU's default CPU has no RDRAND, so the kernel's RNG becomes ready
	 * late, during a test, and patches its static key into running code
	 * then. With RDRAND it is ready at once (0.06 s into boot); "max"
	 * would do too, but boots about 0.2 s slower under TCG.
	 */
	add_arg(argv, &argc, "-cpu");
	add_arg(argv, &argc, "qemu64,+rdrand");
	add_arg(argv, &argc, "-m");
	add_arg(argv, &argc, mem);
	add_arg(argv, &argc, "-smp");
	add_arg(argv, &argc, smp);
	/* No NIC (no iPXE ROM to run), no VGA, nothing we do not ask for. */
	add_arg(argv, &argc, "-nodefaults");
	add_arg(argv, &argc, "-display");
	add_arg(argv, &argc, "none");
	/* A panic (panic=-1 reboots at once) ends QEMU instead. */
	add_arg(argv, &argc, "-no-reboot");
	add_arg(argv, &argc, "-kernel");
	add_arg(argv, &argc, cfg->kernel);
	add_arg(argv, &argc, "-initrd");
	add_arg(argv, &argc, cfg->initrd);
	add_arg(argv, &argc, "-append");
	add_arg(argv, &argc, cfg->append);
	add_arg(argv, &argc, "-serial");
	add_arg(argv, &argc, serial0);
	add_arg(argv, &argc, "-serial");
	add_arg(argv, &argc, serial1);
	if (cfg->feed_socket) {
		/* The module arrives here once built: the VM boots meanwhile. */
		snprintf(feed, sizeof(feed),
			 "socket,id=feed,path=%s,server=on,wait=off",
			 cfg->feed_socket);
		add_arg(argv, &argc, "-chardev");
		add_arg(argv, &argc, feed);
		add_arg(argv, &argc, "-serial");
		add_arg(argv, &argc, "chardev:feed");
	}
	if (cfg->console_log) {
		add_arg(argv, &argc, "-monitor");
		add_arg(argv, &argc, "none");
	}
	argv[argc] = NULL;
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "cannot start qemu-system-x86_64: %s\n",
		strerror(errno));
	_exit(127);
}

int vm_start(const struct vm_config *cfg, struct vm *vm)
{
	pid_t parent = getpid();
	pid_t pid;

	memset(vm, 0, sizeof(*vm));
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* Die with the checker, even if it is SIGKILLed. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		/* Its own process group, so one kill reaches everything. */
		if (cfg->console_log)
			setpgid(0, 0);
		exec_qemu(cfg);
	}
	if (cfg->console_log)
		setpgid(pid, pid);
	vm->pid = pid;
	running_vm = cfg->console_log ? pid : 0;
	return 0;
}

static void reaped(struct vm *vm, int status)
{
	vm->exited = true;
	vm->status = status;
	if (running_vm == vm->pid)
		running_vm = 0;
}

bool vm_wait(struct vm *vm, int timeout_ms)
{
	struct timespec nap = { .tv_nsec = 10 * 1000 * 1000 };
	int status;

	if (vm->exited)
		return true;
	for (int waited = 0;; waited += 10) {
		pid_t r = waitpid(vm->pid, &status, WNOHANG);

		if (r == vm->pid || (r < 0 && errno == ECHILD)) {
			reaped(vm, r == vm->pid ? status : 0);
			return true;
		}
		if (timeout_ms >= 0 && waited >= timeout_ms)
			return false;
		nanosleep(&nap, NULL);
	}
}

void vm_kill(struct vm *vm)
{
	int status = 0;

	if (vm->pid <= 0 || vm->exited)
		return;
	kill(-vm->pid, SIGKILL);
	kill(vm->pid, SIGKILL);
	if (waitpid(vm->pid, &status, 0) < 0)
		status = 0;
	reaped(vm, status);
}
