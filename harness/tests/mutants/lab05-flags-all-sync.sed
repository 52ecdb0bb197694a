# lab: lab05-pagecache
# from: solutions/lab05-pagecache/mybrd.c
# fails: trace_flags_writeback
# why: the trace ORs REQ_SYNC into every line's flags: the flusher's write-back looks synchronous
s/bio->bi_iter.bi_size, bio->bi_opf);/bio->bi_iter.bi_size, bio->bi_opf | REQ_SYNC);/
