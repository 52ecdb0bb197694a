# lab: lab06-syscall-flush
# from: solutions/lab06-syscall-flush/mybrd.c
# fails: unload_removes_the_probe
# why: rmmod leaves the kprobe registered (no unregister_kprobe())
s/^\t\tunregister_kprobe(&mybrd_evict_probe);$/\t\t;/
