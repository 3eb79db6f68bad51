#ifndef DOSSIER_CMEMORY_SHIM_H
#define DOSSIER_CMEMORY_SHIM_H

#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
#endif

/// Asks the processor to bring the cache line holding `address` into its
/// caches, without waiting for it: what `__builtin_prefetch` compiles to
/// (PREFETCHT0 on x86-64, PRFM on arm64), which Swift has no spelling for.
/// A prefetch is a hint: it never faults, whatever the address, and never
/// changes what a program computes, only when its loads find their data.
static inline __attribute__((always_inline)) void dossier_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// Sets the C allocator (glibc's) to keep memory an index build frees for
/// the next allocation instead of handing it back to the kernel at once.
///
/// glibc serves an allocation above its mmap threshold (128 KiB at start)
/// with a fresh mapping, and returns the top of its heap to the kernel as
/// soon as more than its trim threshold (128 KiB) is free there. It raises
/// both as large blocks are freed, up to 32 MiB and 64 MiB: the values this
/// sets from the start. An index build grows arrays of megabytes, frees
/// them and grows others: with the starting values every one of their
/// pages was mapped, zeroed and faulted in again, which cost 5% of the
/// build of the bench corpus. At most 64 MiB of freed memory stays in the
/// process; an allocation above 32 MiB is still a mapping of its own.
/// Does nothing with another C library.
static inline void dossier_keep_freed_memory(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

#endif
