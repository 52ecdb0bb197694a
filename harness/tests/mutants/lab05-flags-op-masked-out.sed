# lab: lab05-pagecache
# from: solutions/lab05-pagecache/mybrd.c
# fails: trace_flags_sync_writes
# why: the trace prints bi_opf with the op masked out (flags only): a write shows no write bit
s/bio->bi_iter.bi_size, bio->bi_opf);/bio->bi_iter.bi_size, bio->bi_opf \& ~REQ_OP_MASK);/
