# lab: lab06-syscall-flush
# from: solutions/lab06-syscall-flush/mybrd.c
# fails: syscall_numbers
# why: syscall_get_nr() for kernel threads too: the flusher's saved registers are no system call's
# says: the flusher's write-back runs in a kernel thread, in no system call: syscall=-1
/^\tif (current->flags & PF_KTHREAD)$/,/^\t\treturn -1;$/d
