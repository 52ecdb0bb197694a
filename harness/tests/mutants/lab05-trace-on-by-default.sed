# lab: lab05-pagecache
# from: solutions/lab05-pagecache/mybrd.c
# fails: defaults_are_off
# why: the trace is on by default (static bool trace = true)
s/^static bool trace;$/static bool trace = true;/
