# lab: lab04-mq
# from: solutions/lab04-mq/mybrd.c
# fails: core_registration
# why: the size check accepts anything (size_mb=0 loads)
s/if (size_mb < 1 || size_mb > MYBRD_MAX_SIZE_MB) {/if (size_mb > MYBRD_MAX_SIZE_MB * 1024) {/
