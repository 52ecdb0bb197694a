# lab: lab06-syscall-flush
# from: solutions/lab06-syscall-flush/mybrd.c
# fails: defaults_are_off
# why: the stack switch is on by default (static bool stack = true)
s/^static bool stack;$/static bool stack = true;/
