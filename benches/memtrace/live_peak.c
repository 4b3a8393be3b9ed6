/*
 * live_peak.so: what a process holds at the moment its live heap is largest.
 *
 * Preloaded into a run (LD_PRELOAD), it wraps malloc, calloc, realloc, free and the aligned
 * allocators. Every block gets a header that links it into a list of live blocks, with the
 * size, the kind of thread that allocated it (by the thread's name: nahr-reader, nahr-worker-N,
 * nahr-writer, anything else) and, for blocks of 16 KiB or more, the return addresses of its
 * allocation. Each time the live total passes its highest value by another MB, the large live
 * blocks are copied to a snapshot; at exit the last snapshot is written to $LIVE_PEAK_OUT,
 * with the binary's load address so that scripts/live_peak_report.py can name the functions.
 *
 * The headers and the lock slow a run down about threefold; what it measures is live bytes
 * (what the program holds), not resident memory (what the allocator keeps besides).
 * docs/PROFILE.md, Memory, eighteenth round, says what it found.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

enum { FRAMES = 14, HEADER = 192, LARGE = 16384, KINDS = 4, SNAPSHOT_MAX = 200000 };

struct block {
    struct block *prev, *next;
    void *base;
    size_t size;
    long kind;
    void *frames[FRAMES];
};

_Static_assert(sizeof(struct block) <= HEADER, "header too small");

extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

static struct block live_list = {&live_list, &live_list, 0, 0, 0, {0}};
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long live_bytes, highest, live_by_kind[KINDS];
static __thread int thread_kind = -1, in_backtrace;

static struct {
    size_t size;
    long kind;
    void *frames[FRAMES];
} snapshot[SNAPSHOT_MAX];
static int snapshot_len;
static long snapshot_total, snapshot_by_kind[KINDS];

/* 0 other (main), 1 reader, 2 worker, 3 writer; only cached once the thread has its name. */
static int kind_of_thread(void) {
    if (thread_kind >= 0) return thread_kind;
    char name[17] = {0};
    prctl(PR_GET_NAME, name, 0, 0, 0);
    if (!strncmp(name, "nahr-reader", 11)) thread_kind = 1;
    else if (!strncmp(name, "nahr-worker-", 12)) thread_kind = 2;
    else if (!strncmp(name, "nahr-writer", 11)) thread_kind = 3;
    else return 0;
    return thread_kind;
}

static void take_snapshot(void) {
    snapshot_len = 0;
    for (struct block *b = live_list.next; b != &live_list && snapshot_len < SNAPSHOT_MAX; b = b->next) {
        if (b->size < LARGE) continue;
        snapshot[snapshot_len].size = b->size;
        snapshot[snapshot_len].kind = b->kind;
        memcpy(snapshot[snapshot_len].frames, b->frames, sizeof b->frames);
        snapshot_len++;
    }
    snapshot_total = live_bytes;
    memcpy(snapshot_by_kind, live_by_kind, sizeof live_by_kind);
}

static void *track(void *base, size_t offset, size_t size) {
    if (!base) return NULL;
    struct block *b = (struct block *)((char *)base + offset - sizeof(struct block));
    b->base = base;
    b->size = size;
    b->kind = kind_of_thread();
    memset(b->frames, 0, sizeof b->frames);
    if (size >= LARGE && !in_backtrace) {
        in_backtrace = 1; /* backtrace() may allocate the first time */
        backtrace(b->frames, FRAMES);
        in_backtrace = 0;
    }
    pthread_mutex_lock(&lock);
    b->next = live_list.next;
    b->prev = &live_list;
    live_list.next->prev = b;
    live_list.next = b;
    live_bytes += size;
    live_by_kind[b->kind] += size;
    if (live_bytes > highest + 1000000) {
        highest = live_bytes;
        take_snapshot();
    } else if (live_bytes > highest) {
        highest = live_bytes;
    }
    pthread_mutex_unlock(&lock);
    return (char *)base + offset;
}

static struct block *header_of(void *p) { return (struct block *)((char *)p - sizeof(struct block)); }

void *malloc(size_t size) { return track(__libc_malloc(size + HEADER), HEADER, size); }

void *calloc(size_t n, size_t size) {
    if (size && n > (size_t)-1 / size) return NULL;
    void *p = malloc(n * size);
    if (p) memset(p, 0, n * size);
    return p;
}

void free(void *p) {
    if (!p) return;
    struct block *b = header_of(p);
    pthread_mutex_lock(&lock);
    b->prev->next = b->next;
    b->next->prev = b->prev;
    live_bytes -= b->size;
    live_by_kind[b->kind] -= b->size;
    pthread_mutex_unlock(&lock);
    __libc_free(b->base);
}

void *realloc(void *p, size_t size) {
    if (!p) return malloc(size);
    if (!size) {
        free(p);
        return NULL;
    }
    size_t old = header_of(p)->size;
    void *q = malloc(size);
    if (!q) return NULL;
    memcpy(q, p, old < size ? old : size);
    free(p);
    return q;
}

void *memalign(size_t align, size_t size) {
    size_t offset = align;
    while (offset < HEADER) offset += align;
    return track(__libc_memalign(align, size + offset), offset, size);
}

int posix_memalign(void **out, size_t align, size_t size) {
    void *p = memalign(align, size);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

void *aligned_alloc(size_t align, size_t size) { return memalign(align, size); }

size_t malloc_usable_size(void *p) { return p ? header_of(p)->size : 0; }

__attribute__((destructor)) static void write_snapshot(void) {
    const char *path = getenv("LIVE_PEAK_OUT");
    if (!path) return;
    FILE *out = fopen(path, "w");
    if (!out) return;
    fprintf(out, "PEAK %ld", snapshot_total);
    for (int k = 0; k < KINDS; k++) fprintf(out, " %ld", snapshot_by_kind[k]);
    fprintf(out, "\n");
    for (int i = 0; i < snapshot_len; i++) {
        fprintf(out, "B %ld %zu", snapshot[i].kind, snapshot[i].size);
        for (int f = 0; f < FRAMES; f++) fprintf(out, " %p", snapshot[i].frames[f]);
        fprintf(out, "\n");
    }
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps) {
        char line[512];
        while (fgets(line, sizeof line, maps))
            if (strstr(line, "nahr")) fprintf(out, "M %s", line);
        fclose(maps);
    }
    fclose(out);
}
