import DossierCore

/// The catalog's schema and its migrations.
///
/// The catalog is one SQLite database, `index/catalog.sqlite`, in WAL mode, so
/// that readers (`search`, `serve`) never block the writer (`update`) and a
/// killed process leaves the last committed transaction in place. Its version
/// is SQLite's `PRAGMA user_version`; ``Schema/migrations`` lists, in order,
/// the SQL that brings version *n − 1* to *n*, each applied in its own
/// transaction together with the new version number. A database newer than
/// this build is refused rather than guessed at.
///
/// Tables (version 1):
///
/// - `notes`: one row per note file under `corpus/notes/`: its
///   workspace-relative `path`, the `sha256` of its bytes (a note is parsed
///   again only when this changes), `size`, `lines`, and `parsed_at`.
/// - `note_warnings`: what the parser had to say about a note (`line`, 0 for
///   the whole file, and `message`), replaced each time the note is parsed.
/// - `urls`: one row per distinct cited URL in its normalized form (the URL's
///   identity: one document cited twice is fetched once). `first_cited_at`;
///   `uncited_since` is set when the last citation of the URL disappears and
///   cleared when one comes back (documents are dropped after a grace
///   period); `document_id` is the document the URL's content currently is.
///   The fetch stage adds its state (HTTP status, ETag, …) in a later version.
/// - `citations`: one row per link in a note: `note_id`, `url_id`, the URL
///   as written (`raw_url`), 1-based `line` and `col` (in Unicode scalars),
///   `label`, `heading_path` (a JSON array of the headings above it,
///   outermost first), `task` (`open`, `done` or NULL), the line's `text`,
///   and its Markdown `syntax` (inline, reference, autolink, bare, definition).
///   Deleting a note deletes its citations.
/// - `documents`: one row per distinct content (by `sha256`): `kind` (pdf,
///   html, note), the stored file's workspace-relative `path`, metadata
///   (`title`, `author`, `created`, `modified`), `page_count`, the extraction
///   `status` (pending, extracted, failed) with its one-line `error`.
/// - `pages`: one row per page of a document: 1-based `page_index`, the
///   printed `label` ("iv", "12"), the number of characters of text, and
///   whether the page has text at all (image-only pages have none).
/// - `passages`: the units the index ranks: `document_id`, `page_index`, and
///   the passage's `start`/`end` offsets (Unicode scalars) in the page text,
///   with the `text` itself. The passage id is the rowid, shared with the
///   search index and the FTS5 cross-check.
///
/// Version 2 adds, for the extract stage:
///
/// - `pages.text`: the page's normalized text, which passage offsets point
///   into and `dossier show` prints;
/// - `documents.source`: where the document came from (`library` for a file
///   the user dropped in `corpus/library/`, `fetched` for a downloaded one),
///   and `documents.needs_ocr`, set when most pages have no text;
/// - `documents.pages_with_text`.
///
/// Version 3 adds `passages.line`: for a passage of a note (a document of
/// kind `note`, source `note`, one page per section), the note line it starts
/// on, so that a hit in a note points to `note:line`.
///
/// Version 4 makes passage ids permanent and adds the FTS5 cross-check:
///
/// - `passages.id` is `AUTOINCREMENT`: an id is never reused, so the search
///   index can name deleted passages by id;
/// - `passages_fts` is an FTS5 table over `passages.text` (external content,
///   rowid = passage id, tokenizer `porter unicode61 remove_diacritics 2`),
///   kept in step by triggers on insert and delete. `dossier verify` runs the
///   same queries through it and through Dossier's own index and requires
///   the same rows and the same `bm25()` scores.
///
/// Version 5 adds the fetch state of each URL to `urls`: `status` (new,
/// fetched, unchanged, failed, blocked, unsupported, attached), the last
/// `http_status`, `final_url` after redirects, the validators `etag` and
/// `last_modified`, `content_type`, the content's `sha256`, `size` and
/// `kind`, the one-line `error`, `checked_at`, `last_success_at`, the number
/// of consecutive `failures`, and `derived_from`: for a PDF found through a
/// landing page's `citation_pdf_url`, the landing page's URL row, whose
/// citations are its citations too (such a URL counts as uncited only since
/// the later of its own `uncited_since` and its landing page's).
///
/// Version 6 adds `file_hashes`: the SHA-256 of each file under `corpus/`
/// with the size and modification time it had when hashed, so that an
/// update with nothing changed does not read every document again.
///
/// Version 7 adds `urls.next_check_at`: after a fetch that stalled (a read
/// or connect timeout, or the URL's total deadline), the time before which
/// a nightly update does not try the URL again, 2, 4, 8, 16 and then 32 days
/// after the check as its consecutive failures grow; NULL otherwise.
///
/// Version 8 adds `citations.length`: how many Unicode scalars of its line
/// the link takes from `col`, so that a note is shown with its links where
/// the parser found them. Every note is parsed again on the next scan (its
/// `sha256` is cleared) to fill it in.
///
/// Version 9 adds OCR to `pages`: `ocr` (NULL for a page with a text
/// layer; `pending` for a scanned page not read yet, `done`, `failed`),
/// the mean word `ocr_confidence` (0–100), the one-line `ocr_error`, and
/// `ocr_words`, the words read with their boxes in PDF points (a JSON
/// array of `[text, confidence, x1, y1, x2, y2]`), kept for previews.
///
/// Version 10 ties the catalog to the index generation it matches, so that
/// a process killed between storing passages and committing the index
/// leaves every reader a consistent pair (issue 36):
///
/// - `catalog_state`: one row. `index_generation`, the index generation
///   whose passages the catalog's committed view is (NULL until the first
///   commit after this migration, when any generation is accepted), and
///   `last_document_id`, the highest document number ever given: a new
///   document takes the next one, so that a number, once shown, cited or
///   bookmarked, never names another document;
/// - `passages.state`: 0 *committed* (in the index at `generation`),
///   1 *pending* (stored since, not yet in any committed index), 2 *retiring*
///   (still in the index at `generation`, gone from the next). A write
///   never deletes a committed passage: it marks it retiring, and stores new
///   passages as pending. `CatalogStore.publish` then, in one transaction
///   after the index commit, makes pending passages committed, deletes the
///   retiring ones and the retired documents, and records the new
///   generation;
/// - `documents.retired`: a document whose file is gone, kept (with its
///   pages) until the commit that drops its passages from the index;
/// - the FTS5 cross-check holds the committed view: its external content
///   is the view `passages_committed` (every passage but the pending ones);
///   a passage enters `passages_fts` when it becomes committed and leaves
///   it when deleted, so `verify` (and FTS5's own integrity check) compare
///   the index at `generation` with exactly its passages.
///
/// It also adds `pages.furniture`: the running heads and feet and the page
/// number taken off the page's text (a JSON array of lines, top first;
/// NULL when there were none), as the extract stage's `PageFurniture`
/// finds them.
///
/// Version 11 adds `document_versions`: a document keeps its number when
/// its content changes (a note edited in place, a cited URL that now serves
/// a new version of the report), and each content it had before is a row
/// here: `document_id`, that content's `sha256`, the stored file's `path`
/// then, its `page_count`, when it was added (`added_at`) and when the new
/// content replaced it (`replaced_at`, ISO 8601). `dossier show N
/// --versions` lists them; the rows go with their document.
///
/// Version 12 adds `urls.ever_cited`: 0 for a URL that only `dossier
/// attach --force` made, until a note cites it. `status` counts as "no
/// longer cited" only URLs that notes cited once.
///
/// Version 13 adds languages (issue 33):
///
/// - `pages.language`: the language the page's text is written in, as the
///   analysis stage's `LanguageDetector` tells it from its commonest words
///   (an ISO 639-1 code: `en`, `fr`, `es`, …), `und` when the text does not
///   say (too short, names and figures), NULL until an update has looked
///   (pages stored before this version, a page OCR has just read);
/// - `documents.language`: the document's language, from the votes of all
///   its pages, or from `dossier.json`'s `languages` setting
///   (`documents.language_source` is then `settings`, else `detected`); a
///   passage is analyzed in its page's language, else its document's, else
///   English;
/// - `passages.language`: the language the passage was analyzed in when it
///   was stored in the index (`en` for English and for a text that does not
///   say; NULL for a pending passage the language pass has not reached).
///   It never changes once the passage is committed: a passage whose
///   language is told anew is stored again, with a new id, and the old one
///   retires (the index and FTS5 drop and add it in one commit);
/// - the FTS5 cross-check analyzes each passage in its language: its
///   tokenizer is `dossier` (CDossierFTS5, registered on every connection
///   the catalog opens), and the committed view gives it a passage in
///   another language than English as the byte 27, the language's code, the
///   byte 27, then the text (the tokenizer reads the mark and analyzes the
///   text as Dossier's `Analyzer` does). The table is rebuilt once by the
///   migration.
///
/// Version 14 stores each text once, compressed (issue 39):
///
/// - `text_blocks`: zstd frames of a document's pages' text (an id is
///   never reused, `AUTOINCREMENT`, so that a block a reader has cached is
///   never another block's id later), and
///   `pages.text_block`/`text_at`/`text_bytes`,
///   `passages.text_block`/`text_at`/`text_bytes`: where in them a page's
///   and a passage's text is (TextBlocks.swift says how). `pages.text` and
///   `passages.text` are left empty by the update's storage pass, which
///   moves a catalog made before this version;
/// - `pages.ocr_words` becomes a zstd frame of its JSON (a BLOB);
/// - the FTS5 cross-check is no longer kept in the catalog: its table, the
///   view and the triggers go, and `dossier verify` builds the table it
///   compares against in a temporary database from the committed passages
///   (FTS5Mirror.swift), so an update writes no FTS5 index and the catalog
///   does not carry one (61 MB of 676 at 230k passages).
///
/// Version 15 adds what a web page says of itself, and the extraction that
/// made each document (issue 38):
///
/// - `documents.site` (the site or publisher), `canonical_url` (the address
///   the page gives as its own) and `doi`; a web page's `author`, `created`
///   (when it was published) and `modified` come from its metadata too;
/// - `documents.whole_page`: 1 for a web page in which no article could be
///   told from the page around it, whose whole visible text is indexed;
/// - `documents.extractor`: the version of its kind's extraction that made
///   it (0 for everything stored before). An update extracts again, under
///   the same number, a document an older version made: the web pages
///   stored before this version are read again for their article.
///
/// Version 16 keeps each reading of a document's citation metadata with
/// its source (issue 35): `document_metadata` has one row per
/// `document_id`, `field` (title, authors, issued, publisher, doi,
/// language), `source` (user, page, xmp, info, printed, layout, file: the
/// DossierCore `MetadataSource` values), its `value` and its `position`
/// among the extraction's readings (a cover's date before a copyright
/// year, both printed). Extraction
/// replaces a document's rows but those of source `user`, which `dossier
/// meta N --set` writes and which outlive every extraction of the
/// document; the rows go with their document. A PDF found through a
/// landing page also takes, as source `landing`, the rows of source `page`
/// of the landing page's document, read when asked for (Metadata.swift).
/// `documents.title`, `author`, `created` and `doi` keep the value each
/// field resolves to, the user's first.
///
/// Version 17 adds `pages.section`: the page's running head, the section
/// of the document it is in as its pages print it at their top (the
/// extract stage's `PageFurniture`), shown beside a hit on the page.
///
/// Version 18 adds `passages.end_page`: for a passage whose paragraph runs
/// onto the next page (the extract stage's `PassageSplitter`), that page's
/// index, its `end` then an offset in that page's text; NULL for a passage
/// that ends on its page (`page_index`). Its span runs from its page's
/// bytes over the newline between the two pages into the next page's, in
/// one text block (TextBlocks.swift).
///
/// A reader (search, verify, the web, MCP) reads `generation` in a read
/// transaction and then the index manifest: an index at the same generation
/// holds the committed and retiring passages, one at the next generation
/// (a commit whose publish has not run yet) the committed and pending ones;
/// every passage either names is in the catalog. The next writer finishes
/// such an interrupted commit before it changes anything.
public enum Schema {
    /// The version this build writes.
    public static var version: Int { migrations.count }

    /// Migration *i* brings the schema from version *i* to *i + 1*.
    public static let migrations: [String] = [
        """
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            lines INTEGER NOT NULL,
            parsed_at TEXT NOT NULL
        );
        CREATE TABLE note_warnings (
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            line INTEGER NOT NULL,
            message TEXT NOT NULL
        );
        CREATE INDEX note_warnings_note ON note_warnings(note_id);
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('pdf', 'html', 'note')),
            path TEXT NOT NULL,
            title TEXT,
            author TEXT,
            created TEXT,
            modified TEXT,
            page_count INTEGER,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'extracted', 'failed')),
            error TEXT,
            added_at TEXT NOT NULL
        );
        CREATE TABLE urls (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            first_cited_at TEXT NOT NULL,
            uncited_since TEXT,
            document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL
        );
        CREATE TABLE citations (
            id INTEGER PRIMARY KEY,
            note_id INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
            url_id INTEGER NOT NULL REFERENCES urls(id),
            raw_url TEXT NOT NULL,
            line INTEGER NOT NULL,
            col INTEGER NOT NULL,
            label TEXT NOT NULL,
            heading_path TEXT NOT NULL,
            task TEXT CHECK (task IN ('open', 'done')),
            text TEXT NOT NULL,
            syntax TEXT NOT NULL
        );
        CREATE INDEX citations_url ON citations(url_id);
        CREATE INDEX citations_note ON citations(note_id, line, col);
        CREATE TABLE pages (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            page_index INTEGER NOT NULL,
            label TEXT,
            chars INTEGER NOT NULL,
            has_text INTEGER NOT NULL,
            PRIMARY KEY (document_id, page_index)
        ) WITHOUT ROWID;
        CREATE TABLE passages (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            page_index INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX passages_document ON passages(document_id, page_index);
        """,
        """
        ALTER TABLE pages ADD COLUMN text TEXT NOT NULL DEFAULT '';
        ALTER TABLE documents ADD COLUMN source TEXT NOT NULL DEFAULT 'fetched';
        ALTER TABLE documents ADD COLUMN needs_ocr INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE documents ADD COLUMN pages_with_text INTEGER;
        CREATE INDEX documents_path ON documents(path);
        """,
        """
        ALTER TABLE passages ADD COLUMN line INTEGER;
        """,
        """
        CREATE TABLE passages_v4 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            page_index INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            text TEXT NOT NULL,
            line INTEGER
        );
        INSERT INTO passages_v4 (id, document_id, page_index, start, end, text, line)
            SELECT id, document_id, page_index, start, end, text, line FROM passages;
        DROP TABLE passages;
        ALTER TABLE passages_v4 RENAME TO passages;
        CREATE INDEX passages_document ON passages(document_id, page_index);
        CREATE VIRTUAL TABLE passages_fts USING fts5(
            text, content = 'passages', content_rowid = 'id',
            tokenize = 'porter unicode61 remove_diacritics 2');
        INSERT INTO passages_fts(passages_fts) VALUES ('rebuild');
        CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages BEGIN
            INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
            INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        """,
        """
        ALTER TABLE urls ADD COLUMN status TEXT NOT NULL DEFAULT 'new';
        ALTER TABLE urls ADD COLUMN http_status INTEGER;
        ALTER TABLE urls ADD COLUMN final_url TEXT;
        ALTER TABLE urls ADD COLUMN etag TEXT;
        ALTER TABLE urls ADD COLUMN last_modified TEXT;
        ALTER TABLE urls ADD COLUMN content_type TEXT;
        ALTER TABLE urls ADD COLUMN sha256 TEXT;
        ALTER TABLE urls ADD COLUMN size INTEGER;
        ALTER TABLE urls ADD COLUMN kind TEXT;
        ALTER TABLE urls ADD COLUMN error TEXT;
        ALTER TABLE urls ADD COLUMN checked_at TEXT;
        ALTER TABLE urls ADD COLUMN last_success_at TEXT;
        ALTER TABLE urls ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE urls ADD COLUMN derived_from INTEGER REFERENCES urls(id) ON DELETE SET NULL;
        CREATE INDEX urls_sha256 ON urls(sha256);
        """,
        """
        CREATE TABLE file_hashes (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime REAL NOT NULL,
            sha256 TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
        """
        ALTER TABLE urls ADD COLUMN next_check_at TEXT;
        """,
        """
        ALTER TABLE citations ADD COLUMN length INTEGER NOT NULL DEFAULT 0;
        UPDATE notes SET sha256 = '';
        """,
        """
        ALTER TABLE pages ADD COLUMN ocr TEXT;
        ALTER TABLE pages ADD COLUMN ocr_confidence REAL;
        ALTER TABLE pages ADD COLUMN ocr_error TEXT;
        ALTER TABLE pages ADD COLUMN ocr_words TEXT;
        CREATE INDEX pages_ocr ON pages(ocr) WHERE ocr IS NOT NULL;
        """,
        """
        CREATE TABLE catalog_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            index_generation INTEGER,
            last_document_id INTEGER NOT NULL
        );
        INSERT INTO catalog_state (id, index_generation, last_document_id)
            VALUES (1, NULL, (SELECT coalesce(max(id), 0) FROM documents));
        ALTER TABLE passages ADD COLUMN state INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE documents ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE pages ADD COLUMN furniture TEXT;
        CREATE INDEX passages_unpublished ON passages(state) WHERE state != 0;
        CREATE INDEX documents_retired ON documents(retired) WHERE retired != 0;
        DROP TRIGGER passages_fts_insert;
        DROP TRIGGER passages_fts_delete;
        DROP TABLE passages_fts;
        CREATE VIEW passages_committed AS SELECT id, text FROM passages WHERE state != 1;
        CREATE VIRTUAL TABLE passages_fts USING fts5(
            text, content = 'passages_committed', content_rowid = 'id',
            tokenize = 'porter unicode61 remove_diacritics 2');
        INSERT INTO passages_fts(passages_fts) VALUES ('rebuild');
        CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages WHEN new.state = 0 BEGIN
            INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER passages_fts_publish AFTER UPDATE OF state ON passages WHEN old.state = 1 AND new.state != 1 BEGIN
            INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages WHEN old.state != 1 BEGIN
            INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        """,
        """
        CREATE TABLE document_versions (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            path TEXT NOT NULL,
            page_count INTEGER,
            added_at TEXT,
            replaced_at TEXT NOT NULL
        );
        CREATE INDEX document_versions_document ON document_versions(document_id);
        """,
        """
        ALTER TABLE urls ADD COLUMN ever_cited INTEGER NOT NULL DEFAULT 1;
        UPDATE urls SET ever_cited = 0 WHERE status = 'attached' AND first_cited_at = uncited_since
            AND NOT EXISTS (SELECT 1 FROM citations WHERE url_id = urls.id);
        """,
        """
        ALTER TABLE pages ADD COLUMN language TEXT;
        ALTER TABLE documents ADD COLUMN language TEXT;
        ALTER TABLE documents ADD COLUMN language_source TEXT;
        ALTER TABLE passages ADD COLUMN language TEXT;
        CREATE INDEX pages_language_unknown ON pages(document_id) WHERE language IS NULL;
        DROP TRIGGER passages_fts_insert;
        DROP TRIGGER passages_fts_publish;
        DROP TRIGGER passages_fts_delete;
        DROP TABLE passages_fts;
        DROP VIEW passages_committed;
        CREATE VIEW passages_committed AS
            SELECT id, CASE WHEN coalesce(language, 'en') = 'en' THEN text ELSE char(27) || language || char(27) || text END AS text
            FROM passages WHERE state != 1;
        CREATE VIRTUAL TABLE passages_fts USING fts5(
            text, content = 'passages_committed', content_rowid = 'id', tokenize = 'dossier');
        INSERT INTO passages_fts(passages_fts) VALUES ('rebuild');
        CREATE TRIGGER passages_fts_insert AFTER INSERT ON passages WHEN new.state = 0 BEGIN
            INSERT INTO passages_fts(rowid, text) VALUES (new.id,
                CASE WHEN coalesce(new.language, 'en') = 'en' THEN new.text ELSE char(27) || new.language || char(27) || new.text END);
        END;
        CREATE TRIGGER passages_fts_publish AFTER UPDATE OF state ON passages WHEN old.state = 1 AND new.state != 1 BEGIN
            INSERT INTO passages_fts(rowid, text) VALUES (new.id,
                CASE WHEN coalesce(new.language, 'en') = 'en' THEN new.text ELSE char(27) || new.language || char(27) || new.text END);
        END;
        CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages WHEN old.state != 1 BEGIN
            INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id,
                CASE WHEN coalesce(old.language, 'en') = 'en' THEN old.text ELSE char(27) || old.language || char(27) || old.text END);
        END;
        """,
        """
        CREATE TABLE text_blocks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            size INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        ALTER TABLE pages ADD COLUMN text_block INTEGER;
        ALTER TABLE pages ADD COLUMN text_at INTEGER;
        ALTER TABLE pages ADD COLUMN text_bytes INTEGER;
        ALTER TABLE passages ADD COLUMN text_block INTEGER;
        ALTER TABLE passages ADD COLUMN text_at INTEGER;
        ALTER TABLE passages ADD COLUMN text_bytes INTEGER;
        CREATE INDEX pages_text_block ON pages(text_block);
        CREATE INDEX passages_text_block ON passages(text_block);
        DROP TRIGGER passages_fts_insert;
        DROP TRIGGER passages_fts_publish;
        DROP TRIGGER passages_fts_delete;
        DROP TABLE passages_fts;
        DROP VIEW passages_committed;
        """,
        """
        ALTER TABLE documents ADD COLUMN site TEXT;
        ALTER TABLE documents ADD COLUMN canonical_url TEXT;
        ALTER TABLE documents ADD COLUMN doi TEXT;
        ALTER TABLE documents ADD COLUMN whole_page INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE documents ADD COLUMN extractor INTEGER NOT NULL DEFAULT 0;
        """,
        """
        CREATE TABLE document_metadata (
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            source TEXT NOT NULL,
            value TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (document_id, field, source, value)
        ) WITHOUT ROWID;
        """,
        """
        ALTER TABLE pages ADD COLUMN section TEXT;
        """,
        """
        ALTER TABLE passages ADD COLUMN end_page INTEGER;
        """,
    ]

    /// Brings `database` to ``version``, one migration per transaction.
    static func migrate(_ database: SQLiteDatabase) throws {
        let current = try database.scalar("PRAGMA user_version")?.int ?? 0
        guard current <= version else {
            throw DossierError.catalog(
                "\(database.path) has schema version \(current), newer than this build's \(version); upgrade dossier")
        }
        for target in (current + 1)...max(current + 1, version) where target <= version {
            try database.transaction {
                try database.execute(migrations[target - 1])
                try database.execute("PRAGMA user_version = \(target)")
            }
        }
    }
}
