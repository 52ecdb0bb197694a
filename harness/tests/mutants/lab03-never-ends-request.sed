# lab: lab03-request
# from: solutions/lab03-request/mybrd.c
# fails: loads_cleanly,whole_disk_checksum,rmmod_and_reload
# why: ->queue_rq() never ends its request (no blk_mq_end_request())
# says: insmod is waiting in add_disk()'s partition scan (filemap_read_folio) for a read your driver received and never ended
s/^\tblk_mq_end_request(rq, status);$/\t(void)status;/
