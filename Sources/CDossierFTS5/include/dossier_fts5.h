/*
** dossier_fts5.h: Dossier's FTS5 tokenizer "dossier" (public interface).
**
** One call per SQLite connection, before anything touches a table declared
** with tokenize = 'dossier' (including triggers that write into one):
**
**     int rc = dossier_fts5_register(db);
**
** It registers, on that connection only:
**
**   - the FTS5 tokenizer "dossier" (see dossier_fts5.c for the rules);
**   - the SQL function dossier_query_languages(LIST) which sets the
**     connection's query languages, e.g. SELECT dossier_query_languages('en fr')
**     (space or comma separated codes among en fr es pt de it nl; the first
**     is the one whose form FTS5 sees as the "main" token). It returns the
**     normalized list; with no argument it returns the current list.
**     The default is 'en'. Every MATCH parsed after the call uses the list.
**   - the SQL function dossier_tokenize(TEXT [, MODE]) for tests: the tokens
**     the tokenizer gives for TEXT as a JSON array of
**     [term, colocated, start, end]; MODE is 'document' (default), 'query'
**     or 'prefix'. Terms are JSON strings, so 0x1F shows as "\u001f".
**
** Returns SQLITE_OK or an SQLite error code (SQLITE_ERROR if the library
** has no FTS5, SQLITE_NOMEM, ...).
**
** Nothing here needs the FTS5 ABI declarations; they live in
** dossier_fts5_abi.h, which only dossier_fts5.c includes. Keeping them out
** of this header keeps the Swift module of this C target free of a second
** declaration of struct fts5_api (the CSQLite module may declare it too).
*/
#ifndef DOSSIER_FTS5_H
#define DOSSIER_FTS5_H

#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The tokenizer's name, as written in CREATE VIRTUAL TABLE ... tokenize=. */
#define DOSSIER_FTS5_TOKENIZER_NAME "dossier"

/* The byte that opens and closes a document's language marker:
** "\x1B" "fr" "\x1B" followed by the text. */
#define DOSSIER_FTS5_MARKER 0x1B

/* The byte that opens a term in a language's own namespace:
** "\x1F" "fr" followed by the folded stem. */
#define DOSSIER_FTS5_NAMESPACE 0x1F

/* Registers the tokenizer and the two SQL functions on db. */
int dossier_fts5_register(sqlite3 *db);

#ifdef __cplusplus
}
#endif

#endif /* DOSSIER_FTS5_H */
