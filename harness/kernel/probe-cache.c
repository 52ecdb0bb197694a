// SPDX-License-Identifier: GPL-2.0
/*
 * probe-cache COMPILER ARGS...: Kbuild's $(CC) for the module builds, set
 * through Debian's hook (DEBIAN_KERNEL_USE_CCACHE=1 CCACHE=probe-cache).
 *
 * Before it compiles one line of a module, Kbuild asks the compiler about a
 * hundred questions (cc-option, as-instr: "does it take this flag?"), each
 * a compile of /dev/null or of stdin, and asks them again on every build:
 * over half of a module's build time. The answers depend only on the
 * compiler, the flags and the kernel tree, so this remembers them (exit
 * status, output, the object written) in $PROBE_CACHE_DIR. Every other
 * compile, the student's included, goes straight to the compiler, and so
 * does everything when anything here fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct probe {
	bool is_probe;
	bool reads_stdin;
	const char *object;	/* -o FILE, unless /dev/null */
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* A probe compiles /dev/null or stdin, and no source file. */
static struct probe classify(int argc, char **argv)
{
	struct probe p = { 0 };

	for (int i = 0; i < argc; i++) {
		bool is_output = i > 0 && !strcmp(argv[i - 1], "-o");

		if (is_output) {
			if (strcmp(argv[i], "/dev/null"))
				p.object = argv[i];
			continue;
		}
		if (ends_with(argv[i], ".c") || ends_with(argv[i], ".S") ||
		    ends_with(argv[i], ".s") || ends_with(argv[i], ".o"))
			return (struct probe){ 0 };
		if (!strcmp(argv[i], "/dev/null"))
			p.is_probe = true;
		if (!strcmp(argv[i], "-"))
			p.is_probe = p.reads_stdin = true;
	}
	return p;
}

/* FNV-1a, twice with different offsets: a 128-bit name for the question. */
struct key {
	uint64_t a, b;
};

static void hash(struct key *k, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		k->a = (k->a ^ p[i]) * 0x100000001b3ULL;
		k->b = (k->b ^ p[i]) * 0x100000001b3ULL;
	}
	/* A separator, so ("ab","c") and ("a","bc") differ. */
	k->a = (k->a ^ 0xff) * 0x100000001b3ULL;
	k->b = (k->b ^ 0xfe) * 0x100000001b3ULL;
}

/* The compiler's file, so an upgraded compiler asks afresh. */
static void hash_compiler(struct key *k, const char *name)
{
	const char *path = getenv("PATH");
	char file[PATH_MAX];
	struct stat st;

	hash(k, name, strlen(name));
	for (const char *d = path ? path : ""; *d; d += strcspn(d, ":")) {
		d += *d == ':';
		snprintf(file, sizeof(file), "%.*s/%s", (int)strcspn(d, ":"),
			 d, name);
		if (!stat(file, &st)) {
			hash(k, file, strlen(file));
			hash(k, &st.st_mtime, sizeof(st.st_mtime));
			hash(k, &st.st_size, sizeof(st.st_size));
			return;
		}
	}
}

static char *read_all(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	ssize_t got;

	while (buf && (got = read(fd, buf + n, cap - n)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	*len = n;
	return buf;
}

static bool copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY), out;
	size_t n;
	char *data;
	bool ok;

	if (in < 0)
		return false;
	data = read_all(in, &n);
	close(in);
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok = data && out >= 0 && write(out, data, n) == (ssize_t)n;
	if (out >= 0)
		close(out);
	free(data);
	return ok;
}

static void cat_file(const char *dir, const char *name, int fd)
{
	char path[PATH_MAX + 16];
	int in;
	size_t n;
	char *data;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	in = open(path, O_RDONLY);
	if (in < 0)
		return;
	data = read_all(in, &n);
	close(in);
	if (data && write(fd, data, n) != (ssize_t)n)
		n = 0;
	free(data);
}

static int redirect(const char *dir, const char *name, int fd)
{
	char path[PATH_MAX + 16];
	int f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f < 0 || dup2(f, fd) < 0)
		return -1;
	close(f);
	return 0;
}

/* Asks the compiler once and writes its answer into dir. */
static int ask(char **argv, const struct probe *p, const char *in,
	       size_t in_len, const char *dir)
{
	char path[PATH_MAX + 16];
	int fds[2], status;
	pid_t pid;
	FILE *f;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		if (redirect(dir, "stdout", 1) || redirect(dir, "stderr", 2))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[0]);
	if (in_len && write(fds[1], in, in_len) != (ssize_t)in_len)
		in_len = 0;
	close(fds[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	if (p->object) {
		snprintf(path, sizeof(path), "%s/object", dir);
		if (!access(p->object, F_OK) && !copy_file(p->object, path))
			return -1;
	}
	snprintf(path, sizeof(path), "%s/status", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", WEXITSTATUS(status));
	return fclose(f) ? -1 : 0;
}

static int answer(const char *dir, const struct probe *p)
{
	char path[PATH_MAX + 16];
	int status = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/status", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &status) != 1)
		status = -1;
	fclose(f);
	if (status < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/object", dir);
	if (p->object && !access(path, F_OK) && !copy_file(path, p->object))
		return -1;
	cat_file(dir, "stdout", 1);
	cat_file(dir, "stderr", 2);
	return status;
}

static void remove_answer(const char *dir)
{
	static const char *const files[] = { "stdout", "stderr", "object",
					     "status" };
	char path[PATH_MAX + 16];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* The answer from the cache, or -1 if it has none yet and cannot learn it. */
static int cached_answer(const char *cache, char **argv, int argc,
			 const struct probe *p, const char *in, size_t in_len)
{
	struct key k = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL };
	char cwd[PATH_MAX], hit[PATH_MAX], tmp[PATH_MAX];
	int status;

	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	hash_compiler(&k, argv[0]);
	hash(&k, cwd, strlen(cwd));
	/* Not the object's name: Kbuild makes a new one each time. */
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i - 1], "-o"))
			hash(&k, argv[i], strlen(argv[i]));
	hash(&k, in ? in : "", in_len);
	snprintf(hit, sizeof(hit), "%s/%016llx%016llx", cache,
		 (unsigned long long)k.a, (unsigned long long)k.b);
	status = answer(hit, p);
	if (status >= 0)
		return status;
	snprintf(tmp, sizeof(tmp), "%s/.new.XXXXXX", cache);
	mkdir(cache, 0755);
	if (!mkdtemp(tmp))
		return -1;
	if (ask(argv, p, in, in_len, tmp)) {
		remove_answer(tmp);
		return -1;
	}
	/* Another build may have answered the same question meanwhile. */
	if (rename(tmp, hit)) {
		status = answer(tmp, p);
		remove_answer(tmp);
		return status;
	}
	return answer(hit, p);
}

/* Compiles for real, giving it the stdin already read, if any. */
static int compile(char **argv, const char *in, size_t in_len, bool read)
{
	int fds[2];

	if (read && pipe(fds) == 0) {
		if (fork() == 0) {
			close(fds[0]);
			_exit(write(fds[1], in, in_len) == (ssize_t)in_len ?
			      0 : 1);
		}
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "probe-cache: cannot run %s: %s\n", argv[0],
		strerror(errno));
	return 127;
}

int main(int argc, char **argv)
{
	const char *cache = getenv("PROBE_CACHE_DIR");
	struct probe p;
	size_t in_len = 0;
	char *in = NULL;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: probe-cache COMPILER ARGS...\n");
		return 2;
	}
	p = classify(argc - 2, argv + 2);
	if (!p.is_probe || !cache || !*cache)
		return compile(argv + 1, NULL, 0, false);
	if (p.reads_stdin && !(in = read_all(0, &in_len)))
		return compile(argv + 1, NULL, 0, false);
	status = cached_answer(cache, argv + 1, argc - 1, &p, in, in_len);
	if (status >= 0)
		return status;
	return compile(argv + 1, in, in_len, p.reads_stdin);
}
