# lab: lab01-register
# from: solutions/lab01-register/mybrd.c
# fails: loads_cleanly
# why: mybrd_init() returns 1 when it worked ("suspiciously returned 1")
# says: mybrd_init() returns 0 or a negative errno
/^static int __init mybrd_init/,/^}/s/^\treturn 0;$/\treturn 1;/
