/*
** dossier_fts5_abi.h: the parts of the FTS5 extension ABI (fts5_api version 2,
** SQLite 3.20 through 3.46) that the "dossier" tokenizer uses, declared
** under Dossier's own names.
**
** Why our own names: some builds of sqlite3.h carry the FTS5 declarations
** (Debian's does: it is the amalgamation's header, with fts5.h appended under
** the guard _FTS5_H), others do not. Declaring struct fts5_api a second time
** would clash with the first; declaring DossierFts5Api never does. The layout
** is what matters to SQLite, and test_dossier_fts5.c checks it member by
** member against sqlite3.h's declarations where those exist.
**
** Private to dossier_fts5.c: not part of the public header.
*/
#ifndef DOSSIER_FTS5_ABI_H
#define DOSSIER_FTS5_ABI_H

/* Flags FTS5 passes as the third argument of xTokenize(). */
#define DOSSIER_FTS5_TOKENIZE_QUERY     0x0001  /* a MATCH expression's text */
#define DOSSIER_FTS5_TOKENIZE_PREFIX    0x0002  /* with QUERY: the token ends in '*' */
#define DOSSIER_FTS5_TOKENIZE_DOCUMENT  0x0004  /* text inserted or deleted */
#define DOSSIER_FTS5_TOKENIZE_AUX       0x0008  /* highlight(), snippet(), ... */

/* Flag a tokenizer passes back to xToken(): same position as the previous
** token (a synonym). Never on the first token of a call to xTokenize. */
#define DOSSIER_FTS5_TOKEN_COLOCATED    0x0001

/* An instance of a tokenizer: opaque, owned by the tokenizer's module. */
typedef struct DossierFts5Tokenizer DossierFts5Tokenizer;

/* The callback FTS5 (or a calling tokenizer) receives each token through.
** pToken/nToken: the term's bytes (not NUL-terminated); iStart/iEnd: the
** byte range in the text passed to xTokenize that produced it. */
typedef int (*DossierFts5TokenCallback)(
  void *pCtx, int tflags, const char *pToken, int nToken, int iStart, int iEnd);

/* A tokenizer module: the three methods FTS5 calls (struct fts5_tokenizer). */
typedef struct DossierFts5TokenizerMethods {
  int (*xCreate)(void *pModuleCtx, const char **azArg, int nArg,
                 DossierFts5Tokenizer **ppOut);
  void (*xDelete)(DossierFts5Tokenizer *p);
  int (*xTokenize)(DossierFts5Tokenizer *p, void *pCtx, int flags,
                   const char *pText, int nText, DossierFts5TokenCallback xToken);
} DossierFts5TokenizerMethods;

/* The registration API (struct fts5_api), as returned by SELECT fts5(?1)
** with a pointer of type "fts5_api_ptr" bound to ?1. */
typedef struct DossierFts5Api DossierFts5Api;
struct DossierFts5Api {
  int iVersion;  /* 2 for SQLite 3.20 .. 3.46; 3 from 3.47 (a superset) */

  /* Registers tokenizer zName; xDestroy(pModuleCtx) runs when the
  ** connection closes. If the call itself fails (out of memory), SQLite
  ** 3.40 does NOT call xDestroy: the caller still owns pModuleCtx. */
  int (*xCreateTokenizer)(DossierFts5Api *pApi, const char *zName,
                          void *pModuleCtx, DossierFts5TokenizerMethods *pMethods,
                          void (*xDestroy)(void *));

  /* Finds tokenizer zName (NULL: the default, unicode61): copies its
  ** methods to *pMethods and its module context to *ppModuleCtx. */
  int (*xFindTokenizer)(DossierFts5Api *pApi, const char *zName,
                        void **ppModuleCtx, DossierFts5TokenizerMethods *pMethods);

  /* Registers an auxiliary function. Not used by Dossier; declared only so
  ** that the struct has its full version-2 layout. The real type of the
  ** third function pointer argument is fts5_extension_function. */
  int (*xCreateFunction)(DossierFts5Api *pApi, const char *zName, void *pCtx,
                         void (*xFunction)(void), void (*xDestroy)(void *));
};

#endif /* DOSSIER_FTS5_ABI_H */
