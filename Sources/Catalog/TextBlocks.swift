import CZstd
import DossierCore
import Foundation

/// The catalog's texts: each stored once, compressed (schema version 14).
///
/// **Blocks.** A page's text is stored once, in a *text block*: a row of
/// `text_blocks` (`id`, `size`, `data`) whose `data` is one zstd frame
/// (level 9) of the UTF-8 bytes of one or more consecutive pages of one
/// document, a newline between two pages (blocks written before version 18
/// have nothing between them; spans never include it, except a passage's
/// that runs onto the next page); `size` is their number of bytes,
/// decompressed. A document's pages are cut into blocks at page
/// boundaries, a block closing when the next page would take it past 32 KiB
/// (a longer page is a block of its own), but never between a page and
/// the next when a passage runs from one onto the other. 32 KiB is the size
/// at which zstd finds most of a report's repetitions (3.1× on the shared
/// reports, where 16 KiB blocks give 2.8× and 128 KiB 3.3×) while showing a
/// hit decompresses little (about 30 µs a block); tantivy's document store
/// and Lucene's stored fields make the same trade with blocks of 16–60 KB.
///
/// **Spans.** A page row names its text by `text_block`, `text_at` (the
/// byte offset of the page in its block, decompressed) and `text_bytes`.
/// A passage row names its own span the same way: a passage is a slice of
/// its page's bytes (of its page's and the next's, with the newline
/// between them, when its paragraph runs onto the next page), read from
/// the page's block, never stored apart. It
/// carries its own span, rather than finding it from its page, because a
/// page can be replaced (a document extracted again, a page OCR reads)
/// while the committed index still holds the old page's passages: those
/// passages, retiring, keep naming the old block until the publish that
/// deletes them, and that publish deletes every block that no page and no
/// passage names any more (``deleteUnusedTextBlocks()``).
///
/// **OCR words.** The words and boxes OCR read on a page
/// (`pages.ocr_words`) are stored as a BLOB: one zstd frame of their JSON.
///
/// **Before version 14** the texts were in `pages.text` and
/// `passages.text`, uncompressed, each page's bytes twice. A row whose
/// `text_block` is NULL still reads its text from there; the update's
/// storage pass (``moveTextIntoBlocks(documents:)``) moves every document's
/// texts into blocks, a batch of documents per transaction, and empties
/// those columns (they stay in the schema, empty: dropping a column rewrites
/// the table, and every reader checks `text_block` first).
enum Zstd {
    /// The compression level: 9 gives 6% less than zstd's default 3 on
    /// extracted text at a third of its speed (about 60 MB/s, a small cost
    /// beside extraction); decompression is as fast at every level.
    static let level: Int32 = 9

    /// `bytes` as one zstd frame.
    static func compress(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        var out = [UInt8](repeating: 0, count: bound)
        let written = out.withUnsafeMutableBytes { ZSTD_compress($0.baseAddress, bound, bytes.baseAddress, bytes.count, level) }
        guard ZSTD_isError(written) == 0 else {
            throw DossierError.catalog("cannot compress text: \(String(cString: ZSTD_getErrorName(written)))")
        }
        out.removeSubrange(written...)
        return out
    }

    /// The `size` bytes of the zstd frame `frame`; an error when the frame
    /// is damaged or does not hold exactly `size` bytes.
    static func decompress(_ frame: [UInt8], size: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: size)
        let read = out.withUnsafeMutableBytes { target in
            frame.withUnsafeBytes { ZSTD_decompress(target.baseAddress, size, $0.baseAddress, $0.count) }
        }
        guard ZSTD_isError(read) == 0, read == size else {
            let reason = ZSTD_isError(read) != 0 ? String(cString: ZSTD_getErrorName(read)) : "\(read) bytes where \(size) were recorded"
            throw DossierError.catalog("a text block of the catalog is damaged (\(reason)); run `dossier update --force`")
        }
        return out
    }
}

/// Where a text is stored: its block and its bytes there.
struct TextSpan: Equatable {
    var block: Int64
    /// Byte offset in the block, decompressed.
    var at: Int
    /// Number of bytes.
    var bytes: Int

    /// The span of `count` bytes from `offset` within this one.
    func slice(_ offset: Int, _ count: Int) -> TextSpan {
        TextSpan(block: block, at: at + offset, bytes: count)
    }
}

/// Blocks read lately, decompressed: the hits of one page of results are
/// often in a few documents, and a document's passages in a few blocks.
/// Keyed by block id, which the catalog never gives twice (a server's
/// connection keeps its cache across updates).
final class TextBlockCache {
    /// The prepared read of a block, kept with the connection.
    var read: Statement?
    private var blocks: [(id: Int64, bytes: [UInt8])] = []
    private let capacity = 16
    private let lock = NSLock()

    func bytes(of block: Int64, load: (Int64) throws -> [UInt8]) throws -> [UInt8] {
        if let hit = lock.withLock({ () -> [UInt8]? in
            guard let i = blocks.firstIndex(where: { $0.id == block }) else { return nil }
            let entry = blocks.remove(at: i)
            blocks.append(entry)
            return entry.bytes
        }) {
            return hit
        }
        let bytes = try load(block)
        lock.withLock {
            if blocks.count == capacity { blocks.removeFirst() }
            blocks.append((block, bytes))
        }
        return bytes
    }

    func removeAll() { lock.withLock { blocks.removeAll() } }
}

extension CatalogStore {
    /// The largest block a run of pages is cut into (a longer page is a block of its own).
    static let textBlockTarget = 32 * 1024

    /// Stores `texts` (one document's pages, in order) in as few blocks as
    /// the target allows, each a page boundary, a newline between two pages
    /// of a block, and returns each text's span. A page whose `joined` is
    /// true shares its block with the next (a passage runs from one onto
    /// the other). Runs inside the caller's transaction.
    func storeTexts(_ texts: [[UInt8]], joined: [Bool] = []) throws -> [TextSpan] {
        let insert = try database.prepare("INSERT INTO text_blocks (size, data) VALUES (?1, ?2)")
        var spans: [TextSpan] = []
        spans.reserveCapacity(texts.count)
        var block: [UInt8] = []
        var members: [(at: Int, bytes: Int)] = []
        func flush() throws {
            guard !members.isEmpty else { return }
            let frame = try block.withUnsafeBytes { try Zstd.compress($0) }
            try insert.run([block.count, SQLValue.blob(frame)])
            let id = database.lastInsertRowID
            spans += members.map { TextSpan(block: id, at: $0.at, bytes: $0.bytes) }
            block.removeAll(keepingCapacity: true)
            members.removeAll(keepingCapacity: true)
        }
        for (i, text) in texts.enumerated() {
            let held = i > 0 && i - 1 < joined.count && joined[i - 1]
            if !members.isEmpty && !held && block.count + 1 + text.count > Self.textBlockTarget { try flush() }
            if !members.isEmpty { block.append(UInt8(ascii: "\n")) }
            members.append((block.count, text.count))
            block += text
        }
        try flush()
        return spans
    }

    /// The text of `span`, read from its block (decompressed once, then cached).
    func text(of span: TextSpan) throws -> String {
        let bytes = try textBlocks.bytes(of: span.block) { id in
            let read = try textBlocks.read ?? database.prepare("SELECT size, data FROM text_blocks WHERE id = ?1")
            textBlocks.read = read
            try read.bind([id])
            defer { read.reset() }
            guard try read.step(), case let row = Row(statement: read), case .blob(let data) = row[1] else {
                throw DossierError.catalog("text block \(id) is missing from the catalog; run `dossier update --force`")
            }
            return try Zstd.decompress(data, size: row.int(0))
        }
        guard span.at >= 0, span.bytes >= 0, span.at + span.bytes <= bytes.count else {
            throw DossierError.catalog("a text span of the catalog lies outside its block \(span.block); run `dossier update --force`")
        }
        return String(decoding: bytes[span.at..<(span.at + span.bytes)], as: UTF8.self)
    }

    /// A row's text: from its span (columns `column`, `column + 1` and
    /// `column + 2`: block, offset, bytes) when it has one, else from the
    /// text column `legacy` of a catalog older than version 14.
    func text(_ row: Row, span column: Int, legacy: Int) throws -> String {
        guard let block = row.optionalInt(column) else { return row.string(legacy) }
        return try text(of: TextSpan(block: Int64(block), at: row.int(column + 1), bytes: row.int(column + 2)))
    }

    /// Deletes the blocks no page and no passage names any more (after a
    /// publish has deleted the retiring passages and retired documents).
    func deleteUnusedTextBlocks() throws {
        try database.run("""
            DELETE FROM text_blocks WHERE NOT EXISTS (SELECT 1 FROM pages WHERE pages.text_block = text_blocks.id)
                AND NOT EXISTS (SELECT 1 FROM passages WHERE passages.text_block = text_blocks.id)
            """)
        textBlocks.removeAll()
    }

    /// `json` (OCR's words and boxes) as stored: a zstd frame.
    static func compressedWords(_ json: String) throws -> SQLValue {
        var json = json
        return .blob(try json.withUTF8 { try Zstd.compress(UnsafeRawBufferPointer($0)) })
    }

    /// OCR's words as stored, back to their JSON (a TEXT value is a catalog older than version 14).
    static func words(_ value: SQLValue) throws -> String? {
        switch value {
        case .text(let json): return json
        case .blob(let frame):
            let size = frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
            guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN, size < 1 << 32 else {
                throw DossierError.catalog("the OCR words of a page are damaged; run `dossier ocr --again`")
            }
            return String(decoding: try Zstd.decompress(frame, size: Int(size)), as: UTF8.self)
        default: return nil
        }
    }
}

/// What the storage pass did.
public struct TextMoveSummary: Sendable, Equatable {
    /// Documents whose texts moved into blocks.
    public var documents = 0
    /// Documents still to move (the pass stops after its batch).
    public var remaining = 0
    /// The catalog's size on disk before and after (after the VACUUM that
    /// follows the last batch; equal when nothing moved).
    public var bytesBefore: Int64 = 0
    public var bytesAfter: Int64 = 0
}

extension CatalogStore {
    /// Documents whose pages still hold their text in `pages.text` (a catalog made before version 14).
    public func documentsWithLegacyText() throws -> Int {
        try database.scalar("SELECT count(DISTINCT document_id) FROM pages WHERE text_block IS NULL")?.int ?? 0
    }

    /// Moves the texts of up to `documents` documents made before schema
    /// version 14 into blocks, in one transaction: each page's text into its
    /// document's blocks, its OCR words compressed, each passage's span into its page's (a passage
    /// whose text is not the slice of its page it claims keeps its own
    /// text, as before). Returns how many documents moved.
    public func moveTextIntoBlocks(documents limit: Int) throws -> Int {
        try database.transaction {
            let ids = try database.query("SELECT DISTINCT document_id FROM pages WHERE text_block IS NULL LIMIT ?1", [limit]) { $0.int(0) }
            let setPage = try database.prepare("""
                UPDATE pages SET text_block = ?3, text_at = ?4, text_bytes = ?5, text = '' WHERE document_id = ?1 AND page_index = ?2
                """)
            let setWords = try database.prepare("UPDATE pages SET ocr_words = ?3 WHERE document_id = ?1 AND page_index = ?2")
            let setPassage = try database.prepare("UPDATE passages SET text_block = ?2, text_at = ?3, text_bytes = ?4, text = '' WHERE id = ?1")
            for id in ids {
                // Only the pages still in the old columns: a page OCR has
                // read since the upgrade is in a block of its own already.
                let pages = try database.query(
                    "SELECT page_index, text, ocr_words FROM pages WHERE document_id = ?1 AND text_block IS NULL ORDER BY page_index", [id]) {
                    ($0.int(0), $0.string(1), $0[2])
                }
                let spans = try storeTexts(pages.map { Array($0.1.utf8) })
                var byPage: [Int: (text: String, span: TextSpan, offsets: [Int])] = [:]
                for ((index, text, words), span) in zip(pages, spans) {
                    try setPage.run([id, index, span.block, span.at, span.bytes])
                    if case .text(let json) = words { try setWords.run([id, index, try Self.compressedWords(json)]) }
                    byPage[index] = (text, span, Self.scalarByteOffsets(text))
                }
                for (passage, page, start, end, text) in try database.query(
                    "SELECT id, page_index, start, end, text FROM passages WHERE document_id = ?1 AND text_block IS NULL", [id], {
                        ($0.int(0), $0.int(1), $0.int(2), $0.int(3), $0.string(4))
                    }) {
                    guard let owner = byPage[page], start >= 0, start <= end, end < owner.offsets.count else { continue }
                    let from = owner.offsets[start], to = owner.offsets[end]
                    guard text.utf8.elementsEqual(owner.text.utf8.dropFirst(from).prefix(to - from)) else { continue }
                    let span = owner.span.slice(from, to - from)
                    try setPassage.run([passage, span.block, span.at, span.bytes])
                }
            }
            return ids.count
        }
    }

    /// The spans of `passages` (scalar offsets in `text`, clamped to it)
    /// within `page`, the span of `text`. A passage that runs onto the next
    /// page (``PassageRange/next``) ends in `next`'s text, whose span must
    /// follow `page`'s in the same block (``storeTexts(_:joined:)``).
    static func spans(of passages: [PassageRange], in text: String, page: TextSpan, next: (text: String, span: TextSpan)? = nil) -> [TextSpan] {
        let offsets = scalarByteOffsets(text)
        let scalars = offsets.count - 1
        return passages.map { passage in
            let start = offsets[min(passage.start, scalars)], end = offsets[min(passage.end, scalars)]
            if let taken = passage.next, let next, next.span.block == page.block {
                let head = next.text.unicodeScalars.prefix(taken).reduce(0) { $0 + UTF8.width($1) }
                return TextSpan(block: page.block, at: page.at + start, bytes: next.span.at + head - (page.at + start))
            }
            return page.slice(start, max(0, end - start))
        }
    }

    /// Each Unicode scalar's UTF-8 byte offset in `text`, and the text's length last.
    static func scalarByteOffsets(_ text: String) -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(text.utf8.count + 1)
        for (i, byte) in text.utf8.enumerated() where byte & 0xC0 != 0x80 { offsets.append(i) }
        offsets.append(text.utf8.count)
        return offsets
    }

    /// Gives the catalog's free pages back to the file system (`VACUUM`),
    /// as after the storage pass, and returns the file's size before and after.
    public func compact() throws -> (before: Int64, after: Int64) {
        let before = catalogBytes()
        try checkpoint()
        try database.execute("VACUUM")
        try checkpoint()
        return (before, catalogBytes())
    }

    private func checkpoint() throws {
        _ = try database.query("PRAGMA wal_checkpoint(TRUNCATE)") { _ in () }
    }

    /// The catalog's size on disk: the database and its write-ahead log.
    public func catalogBytes() -> Int64 {
        [database.path, database.path + "-wal"].reduce(Int64(0)) { total, path in
            total + ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }

    /// The extracted text's size (UTF-8 bytes, each page once) and what
    /// storing it takes: the blocks' compressed bytes, and for a catalog not
    /// moved yet, its pages' and passages' text as they are.
    public func textBytes() throws -> (text: Int64, stored: Int64) {
        let blocks = try database.query("SELECT coalesce(sum(size), 0), coalesce(sum(length(data)), 0) FROM text_blocks") {
            (Int64($0.int(0)), Int64($0.int(1)))
        }.first ?? (0, 0)
        let legacyPages = try database.scalar(
            "SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM pages WHERE text_block IS NULL")?.int ?? 0
        let legacyPassages = try database.scalar(
            "SELECT coalesce(sum(length(CAST(text AS BLOB))), 0) FROM passages WHERE text_block IS NULL")?.int ?? 0
        return (blocks.0 + Int64(legacyPages), blocks.1 + Int64(legacyPages + legacyPassages))
    }

    /// Pages of the catalog not in use (what a VACUUM would give back), in bytes.
    public func freeBytes() throws -> Int64 {
        let pages = try database.scalar("PRAGMA freelist_count")?.int ?? 0
        let size = try database.scalar("PRAGMA page_size")?.int ?? 4096
        return Int64(pages) * Int64(size)
    }
}
