#ifndef DOSSIER_CZSTD_SHIM_H
#define DOSSIER_CZSTD_SHIM_H

#include <zstd.h>

#endif
