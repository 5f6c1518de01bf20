// What memory a process frees and allocates again costs when seconds pass in between: glibc hands large freed
// blocks back to the kernel, and a virtual machine with free page reporting (virtio-balloon, as on this
// project's machines: /sys/module/page_reporting) gives them to its host, so the next allocation's pages are
// faulted in on the host. Each round allocates blocks of 2, 4, 8, 16 and 28 MB (how BLIP's 16 image
// embeddings were gathered), writes them, frees them, then sleeps; prints the milliseconds of each round.
//
//     gcc -O2 Benchmarks/experiments/fresh_pages.c -o /tmp/fresh_pages
//     SLEEP_US=2000000 GLIBC_TUNABLES=glibc.malloc.hugetlb=1 /tmp/fresh_pages          # glibc's thresholds
//     SLEEP_US=2000000 GLIBC_TUNABLES=glibc.malloc.hugetlb=1 /tmp/fresh_pages keep     # freed memory kept
//
// `keep` maps blocks on their own only from 32 MB up and trims a heap only beyond 1 GB free at its top.
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    int keep = argc > 1;
    if (keep) {
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
    }
    const char *sleep_setting = getenv("SLEEP_US");
    useconds_t pause = sleep_setting ? (useconds_t)atoi(sleep_setting) : 200000;
    const int megabytes[] = {2, 4, 8, 16, 28};
    for (int round = 0; round < 8; round++) {
        double start = seconds();
        void *blocks[5];
        for (int i = 0; i < 5; i++) {
            size_t size = (size_t)megabytes[i] << 20;
            blocks[i] = malloc(size);
            memset(blocks[i], 1, size);
        }
        for (int i = 0; i < 5; i++) free(blocks[i]);
        printf("%.1f ", (seconds() - start) * 1e3);
        fflush(stdout);
        usleep(pause);
    }
    printf("ms per round (%s, %u µs apart)\n", keep ? "freed memory kept" : "glibc's thresholds", pause);
    return 0;
}
