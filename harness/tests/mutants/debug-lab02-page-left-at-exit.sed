# lab: lab02-bio
# from: solutions/lab02-bio/mybrd.c
# debug: yes
# fails: whole_disk_round_trip
# why: exit frees every page of the store but the first
# says: pages still allocated after rmmod in mybrd_insert_page()
/^static void mybrd_free_store/,/^}/s/^\t\t__free_page(page);$/\t\tif (index)\n\t\t\t__free_page(page);/
