# lab: lab02-bio
# from: solutions/lab02-bio/mybrd.c
# fails: loads_cleanly,registers_disk,ext4_round_trip
# why: ->submit_bio() never ends its bio (no bio_endio())
# says: insmod is waiting in add_disk()'s partition scan
s/^\tbio_endio(bio);$/\t;/
