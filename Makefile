# mybrd labs. `make help` lists the targets.
#
#   make check-lab1 [SOLUTION=1] [KERNEL=default|newest|6.12] [MODULE=x.ko] [TESTS=a,b]
#   make console-lab1, make test, make setup, make skeletons, make clean

KERNEL   ?= default
# auto: KVM where harness/tools/accel.sh's bounded probe boots under it
# (cached per host), TCG otherwise.
ACCEL    ?= auto
BOOT     ?= vmlinux
KERNELS  ?= $(KERNEL)
SOLUTION ?=
MODULE   ?=
TESTS    ?=
DEBUG    ?=
# SNAPSHOT=0: every check boots (no saved VM is resumed or saved).
SNAPSHOT ?= 1
# make test proves DEBUG=1 too (the debug kernel is built once, ~6 min).
DEBUG_PROOFS ?= 1

LABS      := $(sort $(patsubst %/,%,$(wildcard lab0*/)))
# DEBUG=1: the labs' debug kernel (KASAN, kmemleak, lockdep...), built once
# from Debian's linux-source by harness/tools/debug-kernel.sh.
KENV      := .cache/kernel-$(if $(DEBUG),debug-)$(KERNEL).env
DEBUG_ARG := $(if $(DEBUG),--debug)
BUILD     := build
CC        ?= cc
CFLAGS    := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -O2 -g \
             -Iharness/src
HARNESS_C := $(wildcard harness/src/*.c)
HARNESS_O := $(patsubst harness/src/%.c,$(BUILD)/harness/%.o,$(HARNESS_C))
HARNESS_A := $(BUILD)/harness/libharness.a
SKELGEN   := $(BUILD)/harness/skelgen
PROBE_CACHE := $(BUILD)/harness/probe-cache
UNIT_TESTS := $(patsubst harness/tests/%.c,$(BUILD)/harness/%,\
              $(wildcard harness/tests/test_*.c))

# lab_of(1) = lab_of(01) = lab01-register
lab_of = $(firstword $(filter lab$(if $(filter 1 2 3 4 5 6 7 8 9,$1),0$1,$1)-%,$(LABS)))
# Which mybrd.c a check builds: the student's, or the solution's.
src_of = $(if $(SOLUTION),solutions/$1/mybrd.c,$1/mybrd.c)
variant = $(if $(MODULE),module,$(if $(SOLUTION),solution,student))$(if $(DEBUG),-debug)

.PHONY: help setup check-lab% console-lab% gdb-lab% test test-binaries skeletons clean \
        distclean shellcheck
.SUFFIXES:
.SECONDARY:

help:
	@echo "mybrd labs: a Linux block driver in six steps, checked in QEMU."
	@echo
	@echo "  make check-labN        check your labNN-*/mybrd.c (N = 1..6)"
	@echo "       SOLUTION=1        check solutions/labNN-*/mybrd.c instead"
	@echo "       MODULE=path.ko    check a prebuilt module"
	@echo "       TESTS=a,b         run only these tests"
	@echo "       KERNEL=6.12       use Debian's 6.12 kernel; KERNEL=newest: the newest"
	@echo "                         your Debian ships (backports too); default: your"
	@echo "                         release's own (6.1 on Debian 12, 6.12 on 13)"
	@echo "       ACCEL=tcg|kvm     the accelerator (default auto: KVM where a bounded"
	@echo "                         probe boots under it, cached per host; TCG otherwise)"
	@echo "       BOOT=vmlinuz      boot the compressed image (slower fallback)"
	@echo "       SNAPSHOT=0        boot every time (default: the first check saves the"
	@echo "                         booted VM in .cache/snapshots, later ones resume it)"
	@echo "       DEBUG=1           boot the labs' debug kernel (KASAN, kmemleak, lockdep,"
	@echo "                         might-sleep, init's error paths): built once, ~6 min"
	@echo "  make console-labN      a shell in the VM with the module loaded"
	@echo "  make bench             bench-boot, then lab02-04 solutions next to brd and"
	@echo "                         null_blk in the same mode: fio MB/s, IOPS, ratios"
	@echo "       BENCH_ARGS=...    fio's part, e.g. \"--rounds 9\" (build/harness/bench --help)"
	@echo "  make bench-debug       each solution checked normally and with DEBUG=1"
	@echo "  make bench-boot        a bare boot, a cold and a warm check: seconds, ratios"
	@echo "       BENCH_ARGS=...    e.g. \"--rounds 9 --lab lab03-request\""
	@echo "  make test              the test suite: harness, solutions, skeletons"
	@echo "       KERNELS=\"6.1 6.12\" on both kernels (CI runs this and test-debian13)"
	@echo "       JOBS=n            parallel VMs (default: the number of cores)"
	@echo "       DEBUG_PROOFS=0    leave out the debug kernel's proofs (DEBUG=1)"
	@echo "  make shellcheck        shellcheck every shell file (also run by make test)"
	@echo "  make test-debian13     make test KERNELS=\"6.12 newest\" in a fresh Debian 13"
	@echo "                         root (debootstrap, cached; needs root); test-debian12"
	@echo "  make setup             install what is missing (also run by the above)"
	@echo "  make skeletons         regenerate labNN-*/mybrd.c from solutions/"
	@echo "                         (instructors: overwrites the skeletons)"
	@echo "  make clean             remove build/; distclean also removes .cache/"

setup:
	@harness/setup.sh --kernel $(KERNEL)
	@$(if $(DEBUG),harness/tools/debug-kernel.sh --kernel $(KERNEL) --quiet)

$(KENV):
	@harness/setup.sh --kernel $(KERNEL)
	@$(if $(DEBUG),harness/tools/debug-kernel.sh --kernel $(KERNEL) --quiet)

$(BUILD)/harness/%.o: harness/src/%.c $(wildcard harness/src/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(HARNESS_A): $(HARNESS_O)
	@rm -f $@
	ar rcs $@ $^

# The checkers run Kbuild with probe-cache as its compiler wrapper.
$(BUILD)/%/check: %/check.c $(HARNESS_A) $(PROBE_CACHE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(HARNESS_A) -lcunit -o $@

$(PROBE_CACHE): harness/kernel/probe-cache.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< -o $@

$(BUILD)/harness/test_%: harness/tests/test_%.c harness/tests/unit.h $(HARNESS_A)
	$(CC) $(CFLAGS) $< $(HARNESS_A) -lcunit -o $@

$(SKELGEN): harness/tools/skelgen.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< -o $@

# check-labN, console-labN and gdb-labN: one rule, its mode the target's
# first word. The checker builds the module itself, to time it and explain
# failures; console runs it with --console; gdb runs harness/tools/gdb.sh,
# which runs it with --console --gdb PORT.
LAB_MODES := check console gdb
checker_args = --root . --kernel-env $(KENV) --accel $(ACCEL) --boot $(BOOT) $(DEBUG_ARG) \
	$(if $(filter 0,$(SNAPSHOT)),--no-snapshot) \
	$(if $(MODULE),--module $(MODULE),--src $(call src_of,$1))
lab_run_check = $(BUILD)/$1/check $(call checker_args,$1) \
	--build-dir $(BUILD)/$1/$(variant)-$(KERNEL) \
	$(if $(TESTS),--only $(TESTS)) $(if $(SOLUTION),--label solution)
lab_run_console = $(BUILD)/$1/check $(call checker_args,$1) \
	--build-dir $(BUILD)/$1/console$(if $(DEBUG),-debug)-$(KERNEL) --console
lab_run_gdb = $(TOOLS)/gdb.sh --lab $1 --kernel $(KERNEL) --accel $(ACCEL) \
	--port $(GDB_PORT) $(if $(BATCH),--batch) \
	$(if $(MODULE),--module $(MODULE),--src $(call src_of,$1))

define lab_rule
$1-lab%: setup
	@$$(MAKE) --no-print-directory -s $$(BUILD)/$$(call lab_of,$$*)/check
	@$$(call lab_run_$1,$$(call lab_of,$$*))
endef
$(foreach m,$(LAB_MODES),$(eval $(call lab_rule,$m)))

# make bench: what a check costs beside a bare boot (bench-boot.sh), then
# the lab02-04 solutions next to brd and null_blk in the same mode, fio in
# one VM boot (harness/tools/bench.c). Figures are printed, never asserted.
BENCH      := $(BUILD)/harness/bench
BENCH_ARGS ?=
.PHONY: bench

$(BENCH): harness/tools/bench.c $(HARNESS_A)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< $(HARNESS_A) -o $@

# make bench-debug: each solution's check on the normal and the debug
# kernel, side by side, and the debug kernel's build time (printed only).
.PHONY: bench-debug bench-boot
# make bench-boot: a bare boot, a cold and a warm check side by side.
bench-boot: setup test-binaries
	@harness/tools/bench-boot.sh --kernel $(KERNEL) --accel $(ACCEL) $(BENCH_ARGS)
bench-debug: setup
	@$(MAKE) --no-print-directory -s test-binaries
	@harness/tools/bench-debug.sh --kernel $(KERNEL) --accel $(ACCEL)

bench: setup test-binaries
	@$(MAKE) --no-print-directory -s $(BENCH)
	@harness/tools/bench-boot.sh --kernel $(KERNEL) --accel $(ACCEL)
	@mkdir -p $(BUILD)/bench-$(KERNEL)
	@$(BENCH) --root . --kernel-env $(KENV) --accel $(ACCEL) --boot $(BOOT) \
		--build-dir $(BUILD)/bench-$(KERNEL) $(BENCH_ARGS)

skeletons: $(SKELGEN)
	@for lab in $(LABS); do \
		echo "skeletons: solutions/$$lab/mybrd.c -> $$lab/mybrd.c"; \
		$(SKELGEN) solutions/$$lab/mybrd.c > $$lab/mybrd.c.tmp && \
		mv $$lab/mybrd.c.tmp $$lab/mybrd.c || exit 1; \
	done

# Set-up first: it installs the compiler and CUnit the binaries need.
test:
	@for k in $(KERNELS); do harness/setup.sh --kernel $$k || exit 1; done
	@$(MAKE) --no-print-directory -s test-binaries
	@harness/tests/run-suite.sh $(foreach k,$(KERNELS),--kernel $(k)) \
		--accel $(ACCEL) $(if $(JOBS),--jobs $(JOBS)) \
		$(if $(filter 1,$(DEBUG_PROOFS)),--debug-proofs) $(LABS)

shellcheck: setup
	@harness/tests/shellcheck.sh

# make test inside a fresh Debian 13 (or 12) root made with debootstrap:
# what a student on that release gets. Needs root; the root is cached.
.PHONY: test-debian12 test-debian13
test-debian13:
	@harness/tests/debian-root.sh --release 13 make test KERNELS="6.12 newest"
test-debian12:
	@harness/tests/debian-root.sh --release 12 make test KERNELS="6.1 6.12"

include harness/mk/tools.mk

test-binaries: $(SKELGEN) $(UNIT_TESTS) $(foreach l,$(LABS),$(BUILD)/$(l)/check)

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf .cache
