import Analysis
import Foundation

/// # The surface lexicon: how often each word, as written, occurs in each language
///
/// The dictionary holds stems: `exportation`, `exports` and `exporting`
/// are one English term, `export`. That is what a search wants within a
/// language, and what makes a query in a library of several languages
/// leak: a query word is analyzed in every language the library holds,
/// so the French `exportation` also asks for English `export`, and finds
/// every English passage about exports, though the English text never
/// writes `exportation`.
///
/// The lexicon is what tells a French word from an English one in a given
/// library: for each language a segment's passages were analyzed in, the
/// number of tokens analyzed, and for each distinct word *as written*
/// (folded to lower case and without diacritics, `remove_diacritics 2`,
/// unstemmed) the number of its occurrences. The search then asks, for
/// each word typed, how often each language writes it (see
/// `WordLanguages` in the Search module), and leaves out a language that
/// does not write it while another does.
///
/// A word is kept by a 32-bit key, the high half of the segment's term
/// hash over its bytes, not by its bytes: the lexicon answers "how often",
/// never "which words", so it needs no strings. Two words of a segment
/// share a key with a probability of about n / 2³² (n its distinct words:
/// 10⁻⁴ for a segment of 400,000), and a shared key only adds one word's
/// count to the other's.
///
/// ## On disk (segment format 7, the section after the positions)
///
/// ```text
/// lexicon     8  number of languages m
///             m × 24  per language: its code (ASCII, zero-padded to 8
///                     bytes: "en", "fr", …), the tokens analyzed in it,
///                     and its number of entries k
///             per language, in the same order: k × 8 bytes, each a key
///             (4 bytes) and the word's occurrences (4 bytes), by
///             ascending key
/// ```
///
/// Keys are uniform, so a lookup starts where the key's value puts it in
/// the table (interpolation) and steps from there: two or three reads,
/// where a binary search of 400,000 entries makes nineteen.
///
/// ## Merging and deletions
///
/// Segments merge by adding their lexicons. A deleted passage's words are
/// not known (the postings hold stems), so a segment's counts are scaled,
/// when it is merged and when a snapshot adds the segments up, by the share
/// of its tokens that are live: what the counts estimate is a rate per
/// token, which deleting passages at random does not change.
struct SurfaceLexicon: Sendable {
    /// One language's counts.
    struct Part: Sendable, Equatable {
        /// Tokens analyzed in the language.
        var tokens: UInt64 = 0
        /// Per word, its key in the high half and its occurrences in the
        /// low half; ascending, one entry per key.
        var entries: [UInt64] = []
    }

    /// By language code (`en`, `fr`, …).
    var parts: [String: Part] = [:]

    /// The key of a word folded as English folds it (lower case, no diacritics).
    @inline(__always)
    static func key(_ word: UnsafeBufferPointer<UInt8>) -> UInt32 {
        UInt32(truncatingIfNeeded: TermTable.hash(word) >> 32)
    }

    /// Adds the words of `table`, each occurring `counts[id]` times, in
    /// language `code`, `tokens` tokens in all. `caseFolded`: the table's
    /// words kept their diacritics (a language other than English), which
    /// are removed before they are keyed.
    mutating func add(code: String, tokens: UInt64, table: TermTable, counts: [UInt32], caseFolded: Bool) {
        guard tokens > 0 else { return }
        var entries: [UInt64] = []
        entries.reserveCapacity(table.count)
        table.arena.withUnsafeBufferPointer { arena in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 256) { scratch in
                for id in 0..<table.count {
                    let word = UnsafeBufferPointer(rebasing: arena[table.range(Int32(id))])
                    let key: UInt32
                    if caseFolded && word.contains(where: { $0 >= 0x80 }) && word.count + 8 <= scratch.count {
                        key = Self.key(UnsafeBufferPointer(rebasing: scratch[0..<Analyzer.removeDiacritics(word, into: scratch)]))
                    } else {
                        key = Self.key(word)
                    }
                    entries.append(UInt64(key) << 32 | UInt64(counts[id]))
                }
            }
        }
        Self.sortByKey(&entries)
        add(code: code, Part(tokens: tokens, entries: Self.combined(entries)))
    }

    /// Sorts entries by their keys (the high halves), in four passes of a
    /// byte each (least significant first): linear, where a comparison
    /// sort of a segment's words was half the lexicon's cost to build.
    static func sortByKey(_ entries: inout [UInt64]) {
        guard entries.count > 64 else {
            entries.sort()
            return
        }
        var other = [UInt64](repeating: 0, count: entries.count)
        entries.withUnsafeMutableBufferPointer { a in
            other.withUnsafeMutableBufferPointer { b in
                var from = a, to = b
                for pass in 0..<4 {
                    let shift = UInt64(32 + 8 * pass)
                    var counts = [Int](repeating: 0, count: 257)
                    for entry in from { counts[Int((entry >> shift) & 0xFF) + 1] += 1 }
                    for i in 1..<257 { counts[i] += counts[i - 1] }
                    for entry in from {
                        let bucket = Int((entry >> shift) & 0xFF)
                        to[counts[bucket]] = entry
                        counts[bucket] += 1
                    }
                    swap(&from, &to)
                }
                // Four passes: the sorted entries are back in `a`.
            }
        }
    }

    /// Adds another lexicon's part for `code`.
    mutating func add(code: String, _ part: Part) {
        guard let mine = parts[code] else {
            parts[code] = part
            return
        }
        parts[code] = Part(tokens: mine.tokens + part.tokens, entries: Self.merged(mine.entries, part.entries))
    }

    /// Adds `other`.
    mutating func add(_ other: SurfaceLexicon) {
        for (code, part) in other.parts { add(code: code, part) }
    }

    /// Sorted entries with equal keys summed.
    static func combined(_ sorted: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(sorted.count)
        for entry in sorted {
            if let last = out.last, last >> 32 == entry >> 32 {
                out[out.count - 1] = (last & 0xFFFF_FFFF_0000_0000) | UInt64(sum(UInt32(truncatingIfNeeded: last), UInt32(truncatingIfNeeded: entry)))
            } else {
                out.append(entry)
            }
        }
        return out
    }

    /// Two entry lists merged, equal keys summed.
    static func merged(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] >> 32 < b[j] >> 32) {
                out.append(a[i])
                i += 1
            } else if i == a.count || b[j] >> 32 < a[i] >> 32 {
                out.append(b[j])
                j += 1
            } else {
                out.append((a[i] & 0xFFFF_FFFF_0000_0000) | UInt64(sum(UInt32(truncatingIfNeeded: a[i]), UInt32(truncatingIfNeeded: b[j]))))
                i += 1
                j += 1
            }
        }
        return out
    }

    @inline(__always)
    static func sum(_ x: UInt32, _ y: UInt32) -> UInt32 {
        let (s, overflow) = x.addingReportingOverflow(y)
        return overflow ? .max : s
    }

    /// Every count and token total times `fraction` (rounded; words left
    /// with no occurrence dropped): the lexicon of a segment whose live
    /// tokens are that share of its own.
    func scaled(by fraction: Double) -> SurfaceLexicon {
        guard fraction < 1 else { return self }
        var out = SurfaceLexicon()
        for (code, part) in parts {
            let entries = part.entries.compactMap { entry -> UInt64? in
                let count = UInt64((Double(UInt32(truncatingIfNeeded: entry)) * fraction).rounded())
                return count == 0 ? nil : (entry & 0xFFFF_FFFF_0000_0000) | count
            }
            let tokens = UInt64((Double(part.tokens) * fraction).rounded())
            if tokens > 0 { out.parts[code] = Part(tokens: tokens, entries: entries) }
        }
        return out
    }

    /// Appends the section (see the type's description).
    func serialize(into out: inout [UInt8]) {
        let codes = parts.keys.sorted()
        appendUInt64(UInt64(codes.count), to: &out)
        for code in codes {
            var name = Array(code.utf8.prefix(8))
            name += repeatElement(0, count: 8 - name.count)
            out.append(contentsOf: name)
            appendUInt64(parts[code]!.tokens, to: &out)
            appendUInt64(UInt64(parts[code]!.entries.count), to: &out)
        }
        // Each entry is its key then its count, little-endian: the halves
        // of the in-memory entry swapped, written in one pass.
        for code in codes {
            let entries = parts[code]!.entries
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: entries.count * 8))
            out.withUnsafeMutableBytes { bytes in
                for (i, entry) in entries.enumerated() {
                    bytes.storeBytes(of: (entry >> 32 | entry << 32).littleEndian, toByteOffset: start + i * 8, as: UInt64.self)
                }
            }
        }
    }
}

/// A segment's lexicon section, read in place (see ``SurfaceLexicon``).
struct SurfaceLexiconReader: @unchecked Sendable {
    /// One language's table.
    struct Part: Sendable {
        let code: String
        let tokens: UInt64
        /// Offset of its first entry in the file, and its number of entries.
        let offset: Int
        let count: Int
    }

    let base: UnsafeRawPointer
    let parts: [Part]

    /// Reads the section at `offset`, which must end by `end`; nil if it does not fit.
    init?(base: UnsafeRawPointer, offset: Int, end: Int) {
        self.base = base
        func u64(_ at: Int) -> Int { Int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: at, as: UInt64.self))) }
        guard offset + 8 <= end else { return nil }
        let m = u64(offset)
        guard m <= 64, offset + 8 + m * 24 <= end else { return nil }
        var parts: [Part] = []
        var entries = offset + 8 + m * 24
        for i in 0..<m {
            let at = offset + 8 + i * 24
            let name = UnsafeRawBufferPointer(start: base + at, count: 8).prefix { $0 != 0 }
            let count = u64(at + 16)
            guard count <= (end - entries) / 8 else { return nil }
            parts.append(Part(code: String(decoding: name, as: UTF8.self), tokens: UInt64(u64(at + 8)), offset: entries, count: count))
            entries += count * 8
        }
        guard entries == end else { return nil }
        self.parts = parts
    }

    @inline(__always)
    func key(_ part: Part, _ i: Int) -> UInt32 {
        UInt32(littleEndian: base.loadUnaligned(fromByteOffset: part.offset + i * 8, as: UInt32.self))
    }

    /// The occurrences of the word of `key` in `part`'s language (0 if it has none).
    func occurrences(of key: UInt32, in part: Part) -> UInt32 {
        // Interpolation search (keys are uniform over 32 bits), halving
        // after a few guesses in case they are not.
        var lo = 0, hi = part.count - 1
        var below = UInt64(0), above = UInt64(UInt32.max)
        var guesses = 0
        let wanted = UInt64(key)
        while lo <= hi, wanted >= below, wanted <= above {
            var i = (lo + hi) / 2
            if guesses < 6, above > below {
                i = lo + Int((wanted - below) * UInt64(hi - lo) / (above - below))
                guesses += 1
            }
            let k = UInt64(self.key(part, i))
            if k == wanted { return UInt32(littleEndian: base.loadUnaligned(fromByteOffset: part.offset + i * 8 + 4, as: UInt32.self)) }
            if k < wanted {
                lo = i + 1
                below = k
            } else {
                hi = i - 1
                above = k
            }
        }
        return 0
    }

    /// The whole section, in memory, its counts scaled by `fraction` (for a merge).
    func lexicon(scaledBy fraction: Double) -> SurfaceLexicon {
        var out = SurfaceLexicon()
        for part in parts {
            var entries: [UInt64] = []
            entries.reserveCapacity(part.count)
            for i in 0..<part.count {
                let count = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: part.offset + i * 8 + 4, as: UInt32.self))
                entries.append(UInt64(key(part, i)) << 32 | UInt64(count))
            }
            out.parts[part.code] = SurfaceLexicon.Part(tokens: part.tokens, entries: entries)
        }
        return out.scaled(by: fraction)
    }
}
