# lab: lab06-syscall-flush
# from: solutions/lab06-syscall-flush/mybrd.c
# fails: trace_line_format,drop_caches_keeps_dirty_pages
# why: the trace line lost its '=' signs: "WRITE sector 8 bytes 4096 ..."
s/"%s sector=%llu bytes=%u flags=0x%x syscall=%d\\n"/"%s sector %llu bytes %u flags 0x%x syscall %d\\n"/
