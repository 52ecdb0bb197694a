# Instructor and editor tooling (grade, student-tree, style, clangd, gdb),
# included by the top-level Makefile. The scripts are in harness/tools/.
#
#   make grade SUBMISSIONS=DIR    check every student's mybrd.c (one
#        [LABS="1 2"] [OUT=DIR]   subdirectory of DIR per student) with this
#        [JOBS=n]                 repository's checkers; writes OUT/grades.csv
#                                 and OUT/junit/STUDENT.xml (OUT defaults to
#                                 build/grades, JOBS to the number of cores)
#   make student-tree DEST=DIR    a copy for students: tracked files less the
#        [UNTRACKED=1]            instructor-only ones (harness/tools/
#                                 instructor-only.txt) and less the .md
#                                 lines between <!-- instructor-only --> and
#                                 <!-- /instructor-only -->; UNTRACKED=1 adds
#                                 files git does not track yet (not ignored)
#   make compile_commands.json    clangd's compile database: every lab, every
#                                 solution, the harness (KERNEL= picks the
#                                 headers)
#   make style                    checkpatch.pl --strict on every solution
#   make gdb-labN                 the VM with a gdb stub (console here; it
#        [SOLUTION=1] [GDB_PORT=] waits for gdb), vmlinux with debug info
#                                 (downloaded once), and the gdb command to
#                                 run in a second terminal
#   make gdb-labN BATCH=1         the same, scripted: break in the module's
#                                 init and submit_bio, print backtraces, stop
#   make classroom                regenerate .github/workflows/classroom.yml
#                                 (one autograding step per lab)
#   make test-tools               grade, student-tree, compile_commands.json
#                                 and style checked end to end on lab01
#   make picture [KERNEL=K]       lab 06's paths from system call to driver
#                                 on kernel K, drawn from the solution's
#                                 traces: build/picture-K/paths.{svg,png}

SUBMISSIONS ?=
OUT         ?= build/grades
JOBS        ?=
DEST        ?=
UNTRACKED   ?=
GDB_PORT    ?= 1234
BATCH       ?=
TOOLS       := harness/tools

.PHONY: grade student-tree compile_commands.json style classroom test-tools \
	picture

# A student copy (make student-tree) has no solutions/: the targets that
# need them say so instead of failing on a missing file.
ifeq ($(wildcard solutions/.),)
INSTRUCTOR_GOALS := test skeletons grade style student-tree classroom bench \
	test-tools test-debian12 test-debian13 picture
ifneq ($(filter $(INSTRUCTOR_GOALS),$(MAKECMDGOALS)),)
$(error make $(firstword $(filter $(INSTRUCTOR_GOALS),$(MAKECMDGOALS))) is an instructor target: it needs the solutions, and this copy of the labs has none. Check your work with make check-labN)
endif
ifneq ($(SOLUTION),)
$(error SOLUTION=1 checks solutions/, and this copy of the labs has none. Check your own work with make check-labN)
endif
endif

# LABS given on the command line ("1 2", "lab02-...") selects labs; the
# Makefile's own LABS (every lab) otherwise. The sub-makes never see it.
grade: setup
	@$(TOOLS)/grade.sh --submissions "$(SUBMISSIONS)" --out "$(OUT)" \
		$(if $(filter command line,$(origin LABS)),--labs "$(LABS)") \
		$(if $(JOBS),--jobs "$(JOBS)") --kernel $(KERNEL) --accel $(ACCEL) \
		$(if $(DEBUG),--debug)

student-tree:
	@$(TOOLS)/student-tree.sh --dest "$(DEST)" $(if $(UNTRACKED),--untracked)

compile_commands.json: $(KENV)
	@$(TOOLS)/compile-commands.sh --kernel-env $(KENV) --cc "$(CC)" \
		--cflags "$(CFLAGS)" --out $@

style:
	@$(TOOLS)/style.sh

# gdb-labN is the Makefile's lab rule (mode gdb): harness/tools/gdb.sh.

classroom:
	@$(TOOLS)/classroom.sh $(LABS) > .github/workflows/classroom.yml.tmp
	@mv .github/workflows/classroom.yml.tmp .github/workflows/classroom.yml
	@echo "classroom: wrote .github/workflows/classroom.yml ($(words $(LABS)) labs)"

test-tools: setup
	@harness/tests/test-tools.sh

picture: setup
	@$(TOOLS)/picture.sh --kernel $(KERNEL) --accel $(ACCEL)
