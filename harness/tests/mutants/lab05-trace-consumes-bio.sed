# lab: lab05-pagecache
# from: solutions/lab05-pagecache/mybrd.c
# fails: data_roundtrip_1mib
# why: the trace consumes the bio it prints (bio_advance): no data is copied
/^static void mybrd_trace_bio/,/^}/s/^\tif (!trace)$/\tbio_advance(bio, bio->bi_iter.bi_size);\n&/
