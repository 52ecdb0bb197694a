# lab: lab05-pagecache
# from: solutions/lab05-pagecache/mybrd.c
# fails: trace_flags_reads
# why: the trace prints bi_opf cut to 16 bits (an unsigned short): REQ_RAHEAD, above them, is lost
s/bio->bi_iter.bi_size, bio->bi_opf);/bio->bi_iter.bi_size, (u16)bio->bi_opf);/
