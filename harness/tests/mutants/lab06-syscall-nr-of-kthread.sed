# lab: lab06-syscall-flush
# from: solutions/lab06-syscall-flush/mybrd.c
# fails: syscall_numbers
# why: syscall_get_nr() for kernel threads too: the flusher's saved registers are no system call's
# says: TODO 8: -1 for a kernel thread (PF_KTHREAD)
/^\tif (current->flags & PF_KTHREAD)$/,/^\t\treturn -1;$/d
