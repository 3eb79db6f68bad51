#ifndef DOSSIER_CSTEMMER_SHIM_H
#define DOSSIER_CSTEMMER_SHIM_H

/* Snowball's stemmers (Debian's libstemmer-dev): the C library Lucene's
   and Xapian's Snowball filters come from. */
#include <libstemmer.h>

#endif
