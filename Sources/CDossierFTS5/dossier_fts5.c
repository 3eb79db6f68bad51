/*
** dossier_fts5.c: the FTS5 tokenizer "dossier", the cross-check's side of
** Dossier's analysis (Sources/Analysis/Analyzer.swift): the FTS5 table of
** `dossier verify` must see the terms Dossier's index sees, in every
** language.
**
** DOCUMENT and AUX mode (text being indexed, or read back by highlight()):
**
**   The text may start with a language marker "\x1B" L "\x1B", L two
**   lowercase ASCII letters.
**
**   - No marker, marker "en", or a marker naming a language we do not know:
**     English. The tokens are exactly those of the built-in
**     `porter unicode61 remove_diacritics 2` (we run it), with offsets
**     shifted past the marker if there is one.
**
**   - L in fr es pt de it nl: the text is split by the built-in
**     `unicode61 remove_diacritics 0` (lower case, accents kept). For each
**     token t:
**         folded = fold2(snowball_L(t))  if 3 <= bytes(t) <= 64
**                = fold2(t)              otherwise
**                (fold2: what `unicode61 remove_diacritics 2` gives for the
**                bytes, tokens concatenated)
**         term   = "\x1F" L folded
**     Every term of a language is in its namespace: no English term can be
**     one, and `--lang fr` is the French forms alone.
**
** QUERY mode (with or without PREFIX): the query text is split by
** `unicode61 remove_diacritics 0`; for each token, the connection's query
** languages each give a form (en: what porter gives for the token's bytes;
** L: the document-mode term of the token). Duplicates are dropped; the first
** form is emitted with tflags 0, the others with FTS5_TOKEN_COLOCATED, which
** FTS5 treats as synonyms of the first.
**
** Per connection: one DossierContext (the module context FTS5 passes to
** xCreate, and the user data of the SQL functions). Per table (per FTS5
** tokenizer instance): one DossierTokenizer, with its own built-in tokenizer
** instances and Snowball stemmers (neither is safe to share between threads;
** SQLite serializes the use of a connection, so an instance is never used
** from two threads at once).
*/
#include "dossier_fts5.h"
#include "dossier_fts5_abi.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
** Languages
*/
enum {
  LANG_EN = 0, LANG_FR, LANG_ES, LANG_PT, LANG_DE, LANG_IT, LANG_NL,
  LANG_COUNT
};

static const struct {
  char code[3];          /* the marker's and the namespace's two letters */
  const char *snowball;  /* libstemmer algorithm (NULL: English, porter) */
} kLanguages[LANG_COUNT] = {
  { "en", NULL },
  { "fr", "french" },
  { "es", "spanish" },
  { "pt", "portuguese" },
  { "de", "german" },
  { "it", "italian" },
  { "nl", "dutch" },
};

/* The stemmer only sees tokens of this many bytes (inclusive). */
#define STEM_MIN_BYTES 3
#define STEM_MAX_BYTES 64

/* Index of the language with code z[0..1], or -1. */
static int languageIndex(const char *z) {
  int i;
  for (i = 0; i < LANG_COUNT; i++) {
    if (z[0] == kLanguages[i].code[0] && z[1] == kLanguages[i].code[1]) return i;
  }
  return -1;
}

static int isLowerAscii(char c) { return c >= 'a' && c <= 'z'; }

/* ------------------------------------------------------------------------
** A growable byte buffer.
*/
typedef struct Buffer {
  char *a;
  int n;
  int nAlloc;
} Buffer;

static int bufferReserve(Buffer *b, int nExtra) {
  if (b->n + nExtra > b->nAlloc) {
    int nNew = b->nAlloc ? b->nAlloc : 64;
    char *aNew;
    while (nNew < b->n + nExtra) nNew *= 2;
    aNew = sqlite3_realloc(b->a, nNew);
    if (aNew == NULL) return SQLITE_NOMEM;
    b->a = aNew;
    b->nAlloc = nNew;
  }
  return SQLITE_OK;
}

static int bufferAppend(Buffer *b, const char *z, int n) {
  int rc = bufferReserve(b, n);
  if (rc == SQLITE_OK && n > 0) {
    memcpy(b->a + b->n, z, (size_t)n);
    b->n += n;
  }
  return rc;
}

static void bufferFree(Buffer *b) {
  sqlite3_free(b->a);
  memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------------------------
** Per-connection context.
*/
typedef struct DossierContext {
  DossierFts5Api *pApi;
  DossierFts5TokenizerMethods porter;    /* built-in "porter" */
  void *pPorterModule;
  DossierFts5TokenizerMethods unicode;   /* built-in "unicode61" */
  void *pUnicodeModule;
  int nQueryLanguage;                    /* 1..LANG_COUNT */
  unsigned char aQueryLanguage[LANG_COUNT];
} DossierContext;

static void contextDestroy(void *p) { sqlite3_free(p); }

/* ------------------------------------------------------------------------
** A tokenizer instance.
*/
typedef struct DossierTokenizer {
  DossierContext *pContext;
  DossierFts5Tokenizer *pPorter;  /* porter unicode61 remove_diacritics 2 */
  DossierFts5Tokenizer *pSplit;   /* unicode61 remove_diacritics 0 */
  DossierFts5Tokenizer *pFold;    /* unicode61 remove_diacritics 2 */
  struct sb_stemmer *apStemmer[LANG_COUNT];  /* [LANG_EN] unused */
  Buffer folded;                  /* scratch: fold2(stem(t)) */
  Buffer term;                    /* scratch: the term for one language */
  Buffer forms;                   /* query mode: the token's forms, concatenated */
} DossierTokenizer;

static void dossierDelete(DossierFts5Tokenizer *pTok) {
  DossierTokenizer *p = (DossierTokenizer *)pTok;
  int i;
  if (p == NULL) return;
  if (p->pPorter) p->pContext->porter.xDelete(p->pPorter);
  if (p->pSplit) p->pContext->unicode.xDelete(p->pSplit);
  if (p->pFold) p->pContext->unicode.xDelete(p->pFold);
  for (i = 0; i < LANG_COUNT; i++) {
    if (p->apStemmer[i]) sb_stemmer_delete(p->apStemmer[i]);
  }
  bufferFree(&p->folded);
  bufferFree(&p->term);
  bufferFree(&p->forms);
  sqlite3_free(p);
}

/* xCreate: tokenize = 'dossier' takes no arguments. */
static int dossierCreate(void *pModule, const char **azArg, int nArg,
                         DossierFts5Tokenizer **ppOut) {
  static const char *azPorter[] = { "unicode61", "remove_diacritics", "2" };
  static const char *azSplit[] = { "remove_diacritics", "0" };
  static const char *azFold[] = { "remove_diacritics", "2" };
  DossierContext *pContext = (DossierContext *)pModule;
  DossierTokenizer *p;
  int rc, i;

  (void)azArg;
  *ppOut = NULL;
  if (nArg != 0) return SQLITE_ERROR;
  p = sqlite3_malloc(sizeof(*p));
  if (p == NULL) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  p->pContext = pContext;

  rc = pContext->porter.xCreate(pContext->pPorterModule, azPorter, 3, &p->pPorter);
  if (rc == SQLITE_OK) {
    rc = pContext->unicode.xCreate(pContext->pUnicodeModule, azSplit, 2, &p->pSplit);
  }
  if (rc == SQLITE_OK) {
    rc = pContext->unicode.xCreate(pContext->pUnicodeModule, azFold, 2, &p->pFold);
  }
  /* The stemmers are made here rather than on first use so that a missing
  ** algorithm fails at CREATE/open time, not in the middle of an insert. */
  for (i = 0; rc == SQLITE_OK && i < LANG_COUNT; i++) {
    if (kLanguages[i].snowball == NULL) continue;
    p->apStemmer[i] = sb_stemmer_new(kLanguages[i].snowball, "UTF_8");
    if (p->apStemmer[i] == NULL) rc = SQLITE_NOMEM;
  }
  if (rc != SQLITE_OK) {
    dossierDelete((DossierFts5Tokenizer *)p);
    return rc;
  }
  *ppOut = (DossierFts5Tokenizer *)p;
  return SQLITE_OK;
}

/* ------------------------------------------------------------------------
** Terms.
*/

/* xToken callback that appends every token to a Buffer. */
static int appendToken(void *pBuffer, int tflags, const char *z, int n,
                       int iStart, int iEnd) {
  (void)tflags; (void)iStart; (void)iEnd;
  return bufferAppend((Buffer *)pBuffer, z, n);
}

/* out = what unicode61 remove_diacritics 2 gives for z[0..n), concatenated. */
static int fold2(DossierTokenizer *p, const char *z, int n, Buffer *out) {
  out->n = 0;
  return p->pContext->unicode.xTokenize(p->pFold, out, DOSSIER_FTS5_TOKENIZE_DOCUMENT,
                                        z, n, appendToken);
}

/* out = what porter unicode61 remove_diacritics 2 gives for z[0..n),
** concatenated (one token when z[0..n) is one unicode61 token). */
static int englishForm(DossierTokenizer *p, const char *z, int n, Buffer *out) {
  out->n = 0;
  return p->pContext->porter.xTokenize(p->pPorter, out, DOSSIER_FTS5_TOKENIZE_DOCUMENT,
                                       z, n, appendToken);
}

/* out = the term of the remove_diacritics 0 token t[0..n) in language lang
** (not LANG_EN): "\x1F" L fold2(stem), or "\x1F" L fold2(t) for a token the
** stemmer does not see. */
static int languageForm(DossierTokenizer *p, int lang, const char *t, int n,
                        Buffer *out) {
  int rc;
  if (n >= STEM_MIN_BYTES && n <= STEM_MAX_BYTES) {
    struct sb_stemmer *pStemmer = p->apStemmer[lang];
    const sb_symbol *s = sb_stemmer_stem(pStemmer, (const sb_symbol *)t, n);
    if (s == NULL) return SQLITE_NOMEM;
    rc = fold2(p, (const char *)s, sb_stemmer_length(pStemmer), &p->folded);
  } else {
    rc = fold2(p, t, n, &p->folded);
  }
  if (rc != SQLITE_OK) return rc;
  out->n = 0;
  rc = bufferReserve(out, 3 + p->folded.n);
  if (rc != SQLITE_OK) return rc;
  out->a[0] = (char)DOSSIER_FTS5_NAMESPACE;
  out->a[1] = kLanguages[lang].code[0];
  out->a[2] = kLanguages[lang].code[1];
  out->n = 3;
  return bufferAppend(out, p->folded.a, p->folded.n);
}

/* ------------------------------------------------------------------------
** xTokenize.
*/

/* State shared by the callbacks below during one xTokenize call. */
typedef struct TokenizeState {
  DossierTokenizer *p;
  void *pCtx;                          /* FTS5's context */
  DossierFts5TokenCallback xToken;     /* FTS5's callback */
  int lang;                            /* document mode: the language */
  int shift;                           /* bytes skipped (the marker) */
  const char *pText;                   /* query mode: the query text */
} TokenizeState;

/* English document with a marker: porter's tokens, offsets shifted. */
static int shiftedToken(void *pState, int tflags, const char *z, int n,
                        int iStart, int iEnd) {
  TokenizeState *st = (TokenizeState *)pState;
  return st->xToken(st->pCtx, tflags, z, n, iStart + st->shift, iEnd + st->shift);
}

/* Document in language st->lang: one term per remove_diacritics 0 token. */
static int documentToken(void *pState, int tflags, const char *t, int n,
                         int iStart, int iEnd) {
  TokenizeState *st = (TokenizeState *)pState;
  DossierTokenizer *p = st->p;
  int rc = languageForm(p, st->lang, t, n, &p->term);
  (void)tflags;
  if (rc != SQLITE_OK) return rc;
  return st->xToken(st->pCtx, 0, p->term.a, p->term.n,
                    iStart + st->shift, iEnd + st->shift);
}

/* Query: the forms of one remove_diacritics 0 token, first one plain, the
** others colocated. t[0..n) is the folded token; the English form is taken
** from the original bytes st->pText[iStart..iEnd). */
static int queryToken(void *pState, int tflags, const char *t, int n,
                      int iStart, int iEnd) {
  TokenizeState *st = (TokenizeState *)pState;
  DossierTokenizer *p = st->p;
  DossierContext *c = p->pContext;
  int aStart[LANG_COUNT + 1];  /* form i is forms.a[aStart[i] .. aStart[i+1]) */
  int nForm = 0;
  int i, j, rc = SQLITE_OK;
  (void)tflags;

  p->forms.n = 0;
  for (i = 0; i < c->nQueryLanguage && rc == SQLITE_OK; i++) {
    int lang = c->aQueryLanguage[i];
    int dup = 0;
    if (lang == LANG_EN) {
      rc = englishForm(p, st->pText + iStart, iEnd - iStart, &p->term);
    } else {
      rc = languageForm(p, lang, t, n, &p->term);
    }
    if (rc != SQLITE_OK) break;
    for (j = 0; j < nForm && !dup; j++) {
      int len = aStart[j + 1] - aStart[j];
      dup = len == p->term.n && memcmp(p->forms.a + aStart[j], p->term.a, (size_t)len) == 0;
    }
    if (dup) continue;
    aStart[nForm] = p->forms.n;
    rc = bufferAppend(&p->forms, p->term.a, p->term.n);
    aStart[++nForm] = p->forms.n;
  }
  for (j = 0; j < nForm && rc == SQLITE_OK; j++) {
    rc = st->xToken(st->pCtx, j == 0 ? 0 : DOSSIER_FTS5_TOKEN_COLOCATED,
                    p->forms.a + aStart[j], aStart[j + 1] - aStart[j], iStart, iEnd);
  }
  return rc;
}

static int dossierTokenize(DossierFts5Tokenizer *pTok, void *pCtx, int flags,
                           const char *pText, int nText,
                           DossierFts5TokenCallback xToken) {
  DossierTokenizer *p = (DossierTokenizer *)pTok;
  DossierContext *c = p->pContext;
  TokenizeState st;

  memset(&st, 0, sizeof(st));
  st.p = p;
  st.pCtx = pCtx;
  st.xToken = xToken;

  if (flags & DOSSIER_FTS5_TOKENIZE_QUERY) {
    st.pText = pText;
    return c->unicode.xTokenize(p->pSplit, &st, flags, pText, nText, queryToken);
  }

  /* DOCUMENT or AUX: the language marker. */
  st.lang = LANG_EN;
  if (nText >= 4 && pText[0] == DOSSIER_FTS5_MARKER && pText[3] == DOSSIER_FTS5_MARKER
      && isLowerAscii(pText[1]) && isLowerAscii(pText[2])) {
    int lang = languageIndex(pText + 1);
    st.shift = 4;
    if (lang >= 0) st.lang = lang;
  }
  if (st.lang == LANG_EN) {
    if (st.shift == 0) {
      return c->porter.xTokenize(p->pPorter, pCtx, flags, pText, nText, xToken);
    }
    return c->porter.xTokenize(p->pPorter, &st, flags, pText + st.shift,
                               nText - st.shift, shiftedToken);
  }
  return c->unicode.xTokenize(p->pSplit, &st, flags, pText + st.shift,
                              nText - st.shift, documentToken);
}

/* ------------------------------------------------------------------------
** SQL function dossier_query_languages([LIST]).
*/

/* The context's list as text, e.g. "en fr". */
static void resultLanguages(sqlite3_context *ctx, const DossierContext *c) {
  char z[LANG_COUNT * 3];
  int i, n = 0;
  for (i = 0; i < c->nQueryLanguage; i++) {
    if (i > 0) z[n++] = ' ';
    z[n++] = kLanguages[c->aQueryLanguage[i]].code[0];
    z[n++] = kLanguages[c->aQueryLanguage[i]].code[1];
  }
  sqlite3_result_text(ctx, z, n, SQLITE_TRANSIENT);
}

static void queryLanguagesFunction(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  DossierContext *c = (DossierContext *)sqlite3_user_data(ctx);
  unsigned char aNew[LANG_COUNT];
  int nNew = 0;
  const char *z;
  int n, i;

  if (argc == 0) {
    resultLanguages(ctx, c);
    return;
  }
  z = (const char *)sqlite3_value_text(argv[0]);
  n = sqlite3_value_bytes(argv[0]);
  if (z == NULL) {
    sqlite3_result_error(ctx, "dossier_query_languages: NULL list", -1);
    return;
  }
  i = 0;
  while (i < n) {
    int j, lang;
    if (z[i] == ' ' || z[i] == ',' || z[i] == '\t' || z[i] == '\n') { i++; continue; }
    for (j = i; j < n && z[j] != ' ' && z[j] != ',' && z[j] != '\t' && z[j] != '\n'; j++) {}
    lang = (j - i == 2) ? languageIndex(z + i) : -1;
    if (lang < 0) {
      char *zErr = sqlite3_mprintf(
          "dossier_query_languages: unknown language '%.*s' (known: en fr es pt de it nl)",
          j - i, z + i);
      sqlite3_result_error(ctx, zErr ? zErr : "dossier_query_languages: unknown language", -1);
      sqlite3_free(zErr);
      return;
    }
    if (memchr(aNew, lang, (size_t)nNew) == NULL) aNew[nNew++] = (unsigned char)lang;
    i = j;
  }
  if (nNew == 0) {
    sqlite3_result_error(ctx, "dossier_query_languages: empty list", -1);
    return;
  }
  memcpy(c->aQueryLanguage, aNew, (size_t)nNew);
  c->nQueryLanguage = nNew;
  resultLanguages(ctx, c);
}

/* ------------------------------------------------------------------------
** SQL function dossier_tokenize(TEXT [, MODE]): the tokens as JSON.
*/
typedef struct JsonTokens {
  Buffer out;
  int nToken;
} JsonTokens;

static int jsonString(Buffer *b, const char *z, int n) {
  static const char hex[] = "0123456789abcdef";
  int i, rc = bufferAppend(b, "\"", 1);
  for (i = 0; i < n && rc == SQLITE_OK; i++) {
    unsigned char ch = (unsigned char)z[i];
    if (ch == '"' || ch == '\\') {
      char e[2] = { '\\', (char)ch };
      rc = bufferAppend(b, e, 2);
    } else if (ch < 0x20) {
      char e[6] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15] };
      rc = bufferAppend(b, e, 6);
    } else {
      rc = bufferAppend(b, (const char *)&ch, 1);
    }
  }
  if (rc == SQLITE_OK) rc = bufferAppend(b, "\"", 1);
  return rc;
}

static int jsonToken(void *pState, int tflags, const char *z, int n, int iStart, int iEnd) {
  JsonTokens *j = (JsonTokens *)pState;
  char zNum[64];
  int rc = bufferAppend(&j->out, j->nToken ? ",[" : "[", j->nToken ? 2 : 1);
  if (rc == SQLITE_OK) rc = jsonString(&j->out, z, n);
  sqlite3_snprintf(sizeof(zNum), zNum, ",%d,%d,%d]",
                   (tflags & DOSSIER_FTS5_TOKEN_COLOCATED) ? 1 : 0, iStart, iEnd);
  if (rc == SQLITE_OK) rc = bufferAppend(&j->out, zNum, (int)strlen(zNum));
  j->nToken++;
  return rc;
}

static void tokenizeFunction(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  DossierContext *c = (DossierContext *)sqlite3_user_data(ctx);
  DossierFts5Tokenizer *pTok = NULL;
  JsonTokens j;
  int flags = DOSSIER_FTS5_TOKENIZE_DOCUMENT;
  int rc;
  const char *zText = (const char *)sqlite3_value_text(argv[0]);
  int nText = sqlite3_value_bytes(argv[0]);

  if (argc > 1) {
    const char *zMode = (const char *)sqlite3_value_text(argv[1]);
    if (zMode && strcmp(zMode, "document") == 0) flags = DOSSIER_FTS5_TOKENIZE_DOCUMENT;
    else if (zMode && strcmp(zMode, "aux") == 0) flags = DOSSIER_FTS5_TOKENIZE_AUX;
    else if (zMode && strcmp(zMode, "query") == 0) flags = DOSSIER_FTS5_TOKENIZE_QUERY;
    else if (zMode && strcmp(zMode, "prefix") == 0) {
      flags = DOSSIER_FTS5_TOKENIZE_QUERY | DOSSIER_FTS5_TOKENIZE_PREFIX;
    } else {
      sqlite3_result_error(ctx, "dossier_tokenize: mode is document, aux, query or prefix", -1);
      return;
    }
  }
  if (zText == NULL) { zText = ""; nText = 0; }
  memset(&j, 0, sizeof(j));
  rc = dossierCreate(c, NULL, 0, &pTok);
  if (rc == SQLITE_OK) rc = bufferAppend(&j.out, "[", 1);
  if (rc == SQLITE_OK) rc = dossierTokenize(pTok, &j, flags, zText, nText, jsonToken);
  if (rc == SQLITE_OK) rc = bufferAppend(&j.out, "]", 1);
  dossierDelete(pTok);
  if (rc == SQLITE_OK) {
    sqlite3_result_text(ctx, j.out.a, j.out.n, SQLITE_TRANSIENT);
  } else {
    sqlite3_result_error_code(ctx, rc);
  }
  bufferFree(&j.out);
}

/* ------------------------------------------------------------------------
** Registration.
*/

/* The connection's fts5_api, or NULL if SQLite was built without FTS5. */
static DossierFts5Api *fts5Api(sqlite3 *db) {
  DossierFts5Api *pApi = NULL;
  sqlite3_stmt *pStmt = NULL;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &pStmt, NULL) != SQLITE_OK) return NULL;
  sqlite3_bind_pointer(pStmt, 1, (void *)&pApi, "fts5_api_ptr", NULL);
  sqlite3_step(pStmt);
  sqlite3_finalize(pStmt);
  return pApi;
}

int dossier_fts5_register(sqlite3 *db) {
  static DossierFts5TokenizerMethods methods = {
    dossierCreate, dossierDelete, dossierTokenize
  };
  DossierFts5Api *pApi = fts5Api(db);
  DossierContext *c;
  int rc;

  if (pApi == NULL || pApi->iVersion < 2) return SQLITE_ERROR;
  c = sqlite3_malloc(sizeof(*c));
  if (c == NULL) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  c->pApi = pApi;
  c->nQueryLanguage = 1;
  c->aQueryLanguage[0] = LANG_EN;

  rc = pApi->xFindTokenizer(pApi, "porter", &c->pPorterModule, &c->porter);
  if (rc == SQLITE_OK) {
    rc = pApi->xFindTokenizer(pApi, "unicode61", &c->pUnicodeModule, &c->unicode);
  }
  if (rc == SQLITE_OK) {
    rc = pApi->xCreateTokenizer(pApi, DOSSIER_FTS5_TOKENIZER_NAME, c, &methods, contextDestroy);
  }
  if (rc != SQLITE_OK) {
    /* FTS5 owns c only once xCreateTokenizer has succeeded. */
    sqlite3_free(c);
    return rc;
  }
  /* From here on c belongs to FTS5 and is freed when db closes. The
  ** functions share it; they cannot outlive the connection. */
  rc = sqlite3_create_function_v2(db, "dossier_query_languages", 0,
                                  SQLITE_UTF8 | SQLITE_DIRECTONLY, c,
                                  queryLanguagesFunction, NULL, NULL, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db, "dossier_query_languages", 1,
                                    SQLITE_UTF8 | SQLITE_DIRECTONLY, c,
                                    queryLanguagesFunction, NULL, NULL, NULL);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db, "dossier_tokenize", 1, SQLITE_UTF8, c,
                                    tokenizeFunction, NULL, NULL, NULL);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db, "dossier_tokenize", 2, SQLITE_UTF8, c,
                                    tokenizeFunction, NULL, NULL, NULL);
  }
  return rc;
}
