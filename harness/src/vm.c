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
static void (*volatile signal_hook)(void);

static void kill_running_vm(int sig)
{
	if (signal_hook)
		signal_hook();
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

void vm_on_signal(void (*hook)(void))
{
	signal_hook = hook;
}

/* QEMU's command line and the strings it points into. */
struct qemu_command {
	char mem[16], smp[16], accel[32], serial0[4200], serial1[4200];
	char feed[4200], kmsg[4200], append[1024], gdb[32];
	char qmp[4200], incoming[4200];
	const char **argv;
	int argc;
};

static void add_arg(struct qemu_command *q, const char *arg)
{
	q->argv[q->argc++] = arg;
}

/*
 * The log files are appended to: a resumed VM's start with the saved
 * boot's log (the chardevs are not part of the saved state, so a resumed
 * VM may write to other files than the saved one did).
 */
static void add_serial_ports(const struct vm_config *cfg,
			     struct qemu_command *q)
{
	snprintf(q->serial1, sizeof(q->serial1),
		 "file,id=proto,path=%s,append=on", cfg->proto_log);
	if (cfg->console_log) {
		snprintf(q->serial0, sizeof(q->serial0),
			 "file,id=console,path=%s,append=on", cfg->console_log);
		add_arg(q, "-chardev");
		add_arg(q, q->serial0);
		add_arg(q, "-serial");
		add_arg(q, "chardev:console");
	} else {
		add_arg(q, "-serial");
		add_arg(q, "mon:stdio");
	}
	add_arg(q, "-chardev");
	add_arg(q, q->serial1);
	add_arg(q, "-serial");
	add_arg(q, "chardev:proto");
	if (cfg->feed_socket) {
		/* The module arrives here once built: the VM boots meanwhile. */
		snprintf(q->feed, sizeof(q->feed),
			 "socket,id=feed,path=%s,server=on,wait=off",
			 cfg->feed_socket);
		add_arg(q, "-chardev");
		add_arg(q, q->feed);
		add_arg(q, "-serial");
		add_arg(q, "chardev:feed");
	}
}

/*
 * A virtio serial port is a buffer handed over per write, not a byte per
 * I/O access as on the 16550: the guest's log reaches the file at memory
 * speed.
 */
static void add_kmsg_port(const struct vm_config *cfg, struct qemu_command *q)
{
	if (!cfg->kmsg_log)
		return;
	snprintf(q->kmsg, sizeof(q->kmsg), "file,id=kmsg,path=%s,append=on",
		 cfg->kmsg_log);
	add_arg(q, "-device");
	add_arg(q, "virtio-serial-pci,id=vser");
	add_arg(q, "-chardev");
	add_arg(q, q->kmsg);
	add_arg(q, "-device");
	add_arg(q, "virtserialport,bus=vser.0,chardev=kmsg,name=mybrd.kmsg");
}

/* Stopped at the first instruction until gdb says continue. */
static void add_gdb_stub(const struct vm_config *cfg, struct qemu_command *q)
{
	if (cfg->gdb_port <= 0)
		return;
	snprintf(q->gdb, sizeof(q->gdb), "tcp:127.0.0.1:%d", cfg->gdb_port);
	add_arg(q, "-gdb");
	add_arg(q, q->gdb);
	add_arg(q, "-S");
}

/* The monitor snapshot.c saves the VM's state through; a state to resume. */
static void add_state_options(const struct vm_config *cfg,
			      struct qemu_command *q)
{
	if (cfg->qmp_socket) {
		snprintf(q->qmp, sizeof(q->qmp), "unix:%s,server=on,wait=off",
			 cfg->qmp_socket);
		add_arg(q, "-qmp");
		add_arg(q, q->qmp);
	}
	/*
	 * A resumed VM would draw the saved one's random numbers until its
	 * kernel next reseeds: a VM generation ID that QEMU makes anew on
	 * every start (guid=auto), including a resume, makes it reseed at
	 * once (drivers/virt/vmgenid.c, CONFIG_VMGENID).
	 */
	add_arg(q, "-device");
	add_arg(q, "vmgenid,guid=auto");
	if (cfg->incoming) {
		/* QEMU 7.2 has no file: URI yet; exec: runs in /bin/sh. */
		snprintf(q->incoming, sizeof(q->incoming), "exec:cat '%s'",
			 cfg->incoming);
		add_arg(q, "-incoming");
		add_arg(q, q->incoming);
	}
}

static void add_machine(const struct vm_config *cfg, struct qemu_command *q)
{
	snprintf(q->mem, sizeof(q->mem), "%d", cfg->memory_mb);
	snprintf(q->smp, sizeof(q->smp), "%d", cfg->cpus);
	/*
	 * One host thread for all vCPUs under TCG. With a thread per vCPU,
	 * a vCPU can run code another one is patching (static keys,
	 * text_poke_bp) and the guest oopses on a stray int3, mostly on 6.12.
	 */
	if (!cfg->accel || !strcmp(cfg->accel, "tcg"))
		snprintf(q->accel, sizeof(q->accel), "tcg,thread=single");
	else
		snprintf(q->accel, sizeof(q->accel), "%s", cfg->accel);
	/* q35 + PVH boots in about 2 s under TCG; microvm can hang (TSC). */
	add_arg(q, "-machine");
	add_arg(q, "q35");
	add_arg(q, "-accel");
	add_arg(q, q->accel);
	/*
	 * QEMU's default CPU has no RDRAND, so the kernel's RNG becomes ready
	 * late, during a test, and patches its static key into running code
	 * then. With RDRAND it is ready at once (0.06 s into boot); "max"
	 * would do too, but boots about 0.2 s slower under TCG. Under KVM:
	 * the host's CPU (harness/tools/accel.sh probed it so).
	 */
	add_arg(q, "-cpu");
	add_arg(q, strcmp(q->accel, "kvm") ? "qemu64,+rdrand" : "host");
	add_arg(q, "-m");
	add_arg(q, q->mem);
	add_arg(q, "-smp");
	add_arg(q, q->smp);
	/* No NIC (no iPXE ROM to run), no VGA, nothing we do not ask for. */
	add_arg(q, "-nodefaults");
	add_arg(q, "-display");
	add_arg(q, "none");
	/* A panic (panic=-1 reboots at once) ends QEMU instead. */
	add_arg(q, "-no-reboot");
}

/* The command line for cfg; q->argv is allocated (NULL on failure). */
static void qemu_command(const struct vm_config *cfg, struct qemu_command *q)
{
	int nextra = 0;

	while (cfg->extra_args && cfg->extra_args[nextra])
		nextra++;
	q->argc = 0;
	q->argv = calloc(64 + nextra, sizeof(*q->argv));
	if (!q->argv)
		return;
	/* gdb maps the kernel's symbols where vmlinux says: no KASLR. */
	snprintf(q->append, sizeof(q->append), "%s%s", cfg->append,
		 cfg->gdb_port > 0 ? " nokaslr" : "");
	add_arg(q, "qemu-system-x86_64");
	add_machine(cfg, q);
	add_arg(q, "-kernel");
	add_arg(q, cfg->kernel);
	add_arg(q, "-initrd");
	add_arg(q, cfg->initrd);
	add_arg(q, "-append");
	add_arg(q, q->append);
	add_serial_ports(cfg, q);
	add_kmsg_port(cfg, q);
	if (cfg->console_log) {
		add_arg(q, "-monitor");
		add_arg(q, "none");
	}
	add_gdb_stub(cfg, q);
	add_state_options(cfg, q);
	for (int i = 0; i < nextra; i++)
		add_arg(q, cfg->extra_args[i]);
	q->argv[q->argc] = NULL;
}

static void exec_qemu(const struct vm_config *cfg)
{
	struct qemu_command q;

	qemu_command(cfg, &q);
	if (q.argv)
		execvp(q.argv[0], (char *const *)q.argv);
	fprintf(stderr, "cannot start qemu-system-x86_64: %s\n",
		strerror(errno));
	_exit(127);
}

/* One word as the shell reads it back: quoted unless plainly safe. */
static void print_word(const char *w, FILE *out)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%";

	if (*w && strspn(w, safe) == strlen(w)) {
		fputs(w, out);
		return;
	}
	fputc('\'', out);
	for (; *w; w++)
		if (*w == '\'')
			fputs("'\\''", out);
		else
			fputc(*w, out);
	fputc('\'', out);
}

void vm_print_command(const struct vm_config *cfg, FILE *out)
{
	struct qemu_command q;

	qemu_command(cfg, &q);
	for (int i = 0; q.argv && i < q.argc; i++) {
		if (i)
			fputc(' ', out);
		print_word(q.argv[i], out);
	}
	fputc('\n', out);
	free(q.argv);
}

static void redirect_stderr(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f) {
		dup2(fileno(f), 2);
		fclose(f);
	}
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
		if (cfg->console_input_fd > 0) {
			dup2(cfg->console_input_fd, 0);
			close(cfg->console_input_fd);
		}
		if (cfg->qemu_log)
			redirect_stderr(cfg->qemu_log);
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
