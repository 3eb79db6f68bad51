#ifndef DOSSIER_CMEMORY_SHIM_H
#define DOSSIER_CMEMORY_SHIM_H

/// Asks the processor to bring the cache line holding `address` into its
/// caches, without waiting for it: what `__builtin_prefetch` compiles to
/// (PREFETCHT0 on x86-64, PRFM on arm64), which Swift has no spelling for.
/// A prefetch is a hint: it never faults, whatever the address, and never
/// changes what a program computes, only when its loads find their data.
static inline __attribute__((always_inline)) void dossier_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
