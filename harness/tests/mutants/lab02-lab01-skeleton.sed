# lab: lab02-bio
# from: lab01-register/mybrd.c
# fails: registers_disk,rejects_invalid_sizes,rmmod_removes_everything
# why: lab 01's untouched skeleton: no major, no disk, no size check
