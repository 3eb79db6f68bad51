#ifndef DOSSIER_CZLIB_SHIM_H
#define DOSSIER_CZLIB_SHIM_H

#include <zlib.h>

/// `inflateInit2` is a macro (it passes zlib's version and the stream's
/// size), which Swift cannot call: these are the two the fetcher needs.
/// A gzip or zlib stream, told apart by its header.
static inline int dossier_inflate_init(z_streamp stream) {
    return inflateInit2(stream, 15 + 32);
}

/// A raw deflate stream, as some servers send `Content-Encoding: deflate`.
static inline int dossier_inflate_init_raw(z_streamp stream) {
    return inflateInit2(stream, -15);
}

#endif
