# lab: lab02-bio
# from: harness/tests/broken/warns.c
# fails: loads_cleanly
# why: a module whose init WARNs
