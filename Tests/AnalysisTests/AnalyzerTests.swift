import Analysis
import CSQLite
import Foundation
import Testing

/// FTS5 itself, in memory: the reference the analyzer must agree with.
final class FTS5Reference {
    var db: OpaquePointer?

    init() {
        sqlite3_open(":memory:", &db)
        exec("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'porter unicode61 remove_diacritics 2')")
        exec("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    }

    deinit { sqlite3_close(db) }

    func exec(_ sql: String) {
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &error) != SQLITE_OK {
            Issue.record("SQLite: \(error.map { String(cString: $0) } ?? "?")")
        }
    }

    /// The terms FTS5 makes of each text, in order.
    func terms(_ texts: [String]) -> [[String]] {
        exec("DELETE FROM t")
        exec("BEGIN")
        var insert: OpaquePointer?
        sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES (?, ?)", -1, &insert, nil)
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, text) in texts.enumerated() {
            sqlite3_bind_int64(insert, 1, Int64(i + 1))
            sqlite3_bind_text(insert, 2, text, -1, transient)
            sqlite3_step(insert)
            sqlite3_reset(insert)
        }
        sqlite3_finalize(insert)
        exec("COMMIT")
        var result = [[String]](repeating: [], count: texts.count)
        var query: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT term, doc FROM v ORDER BY doc, offset", -1, &query, nil)
        while sqlite3_step(query) == SQLITE_ROW {
            let term = String(cString: sqlite3_column_text(query, 0))
            result[Int(sqlite3_column_int64(query, 1)) - 1].append(term)
        }
        sqlite3_finalize(query)
        return result
    }
}

/// Random text over the alphabet of the corpus and beyond.
struct TextGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 33
    }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    static let pieces: [String] = [
        "traffick", "ing", "ed", "ies", "sses", "ational", "tional", "ization", "iveness", "fulness", "ousness",
        "aliti", "iviti", "biliti", "ness", "ful", "ative", "alize", "icate", "iciti", "ical", "ement", "ment",
        "ent", "ion", "sion", "tion", "ism", "ous", "ive", "ize", "able", "ible", "ance", "ence", "er", "al",
        "ly", "y", "e", "s", "ss", "at", "bl", "iz", "eed", "hop", "fil", "a", "o", "u", "i", "x", "w",
        "CITES", "Ivory", "Operation", "Thunder", "timber", "pangolin", "rhinocéros", "espèces", "menacées",
        "año", "niño", "Việt", "Nam", "buôn", "bán", "động", "vật", "Straße", "ǅemal", "Ǆ", "ﬁnancial", "Ｆｕｌｌ",
        "ΑΘΗΝΑ", "μικρό", "Москва", "ёлка", "中国", "野生动物", "العربية", "עברית", "हिन्दी", "한국어", "ｶﾀｶﾅ",
        "🐘", "🦏", "2024", "１２３", "٣٤", "½", "²", "Ⅻ", "e\u{301}", "a\u{308}\u{304}", "\u{301}x", "ǖ", "ấ",
        "\u{FFFE}", "\u{FFFF}", "\u{E000}", "\u{10FFFD}", "\u{1D400}", "\u{200B}", "\u{00AD}",
    ]
    static let separators: [String] = [" ", " ", " ", "  ", "-", "_", ".", ",", "'", "’", "\"", "(", ")", "/", "\n", "\t", "·", "—", "…", "&", "@", "#", "%"]

    mutating func text() -> String {
        var out = ""
        let words = 1 + Int(next() % 12)
        for _ in 0..<words {
            let parts = 1 + Int(next() % 3)
            for _ in 0..<parts { out += pick(Self.pieces) }
            if next() % 5 == 0 { out += String(next() % 1000) }
            out += pick(Self.separators)
        }
        // Now and then a random code point anywhere in Unicode.
        if next() % 4 == 0, let scalar = Unicode.Scalar(UInt32(next() % 0x10FFFF)) { out += String(Character(scalar)) + "ab" }
        return out
    }
}

@Suite("Analyzer agrees with FTS5")
struct AnalyzerTests {
    let analyzer = Analyzer()

    @Test("known tokens", arguments: [
        ("Trafficking of timber", ["traffick", "of", "timber"]),
        ("CITES' Appendices (2024)", ["cite", "appendic", "2024"]),
        ("rhinocéros ESPÈCES menacées", ["rhinocero", "espec", "menace"]),
        ("Việt Nam", ["viet", "nam"]),
        // FTS5 does not decompose ligatures or full-width forms: extraction does (NFKC).
        ("ﬁnancial Ｆｕｌｌ", ["ﬁnancial", "ｆｕｌｌ"]),
        ("e\u{301}le\u{301}phant", ["eleph"]),
        // Tokens longer than the analyzer's first buffer (256 bytes), in ASCII and beyond: kept whole, not stemmed.
        ("a " + String(repeating: "x", count: 300) + "ing b", ["a", String(repeating: "x", count: 300) + "ing", "b"]),
        (String(repeating: "é", count: 200) + " z", [String(repeating: "e", count: 200), "z"]),
        (String(repeating: "ж", count: 300), [String(repeating: "ж", count: 300)]),
    ])
    func known(text: String, terms: [String]) {
        #expect(analyzer.terms(text) == terms)
        #expect(FTS5Reference().terms([text])[0] == terms)
    }

    @Test("offsets cover each token's bytes in the text")
    func offsets() {
        let text = "L'éléphant — ivory"
        var ranges: [Range<Int>] = []
        analyzer.tokenize(text) { _, _, range in ranges.append(range) }
        let bytes = Array(text.utf8)
        #expect(ranges.map { String(decoding: bytes[$0], as: UTF8.self) } == ["L", "éléphant", "ivory"])
    }

    @Test("a million random texts: token for token the same as SQLite FTS5's porter unicode61 remove_diacritics 2")
    func differential() {
        let reference = FTS5Reference()
        var generator = TextGenerator(state: 0x5EED)
        var checked = 0
        var mismatches: [String] = []
        for _ in 0..<100 {
            let texts = (0..<10_000).map { _ in generator.text() }
            let expected = reference.terms(texts)
            for (text, terms) in zip(texts, expected) {
                let ours = analyzer.terms(text)
                if ours != terms, mismatches.count < 5 {
                    mismatches.append("\(text.unicodeScalars.map { String($0.value, radix: 16) }): ours \(ours) fts5 \(terms)")
                }
                checked += 1
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
        #expect(checked == 1_000_000)
    }

    @Test("every code point alone and inside a word")
    func everyCodePoint() {
        let reference = FTS5Reference()
        var texts: [String] = []
        for value in UInt32(0x80)...0x2FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let c = String(Character(scalar))
            texts.append("\(c)ab x\(c)y \(c)")
        }
        let expected = reference.terms(texts)
        var mismatches: [String] = []
        for (text, terms) in zip(texts, expected) where analyzer.terms(text) != terms && mismatches.count < 5 {
            mismatches.append("U+\(String(text.unicodeScalars.first!.value, radix: 16)): ours \(analyzer.terms(text)) fts5 \(terms)")
        }
        #expect(mismatches.isEmpty, "\(mismatches.joined(separator: "\n"))")
    }
}
