#ifndef HANDOFF_CMEMORY_H
#define HANDOFF_CMEMORY_H

#include <stdlib.h>
#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#endif

/// Caps the number of glibc malloc arenas (each thread that allocates may otherwise get its own, and freed memory
/// in one arena cannot serve another). Returns 1 when applied, 0 where the C library has no such setting.
static inline int handoff_memory_cap_arenas(int count) {
#if defined(__linux__) && defined(__GLIBC__)
    return mallopt(M_ARENA_MAX, count);
#else
    (void)count;
    return 0;
#endif
}

/// Gives the free pages of every arena back to the system (glibc's malloc_trim). Returns 1 when memory was released.
static inline int handoff_memory_trim(void) {
#if defined(__linux__) && defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}

#endif
