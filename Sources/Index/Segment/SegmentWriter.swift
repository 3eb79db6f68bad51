import Analysis
import DossierCore
import Foundation

/// Builds one segment in memory from passages, then writes it (see
/// ``SegmentFormat`` for the layout).
///
/// Adding a passage costs one hash lookup per token: words are interned in a
/// ``TermTable`` (an arena of bytes and an open-addressing hash, no string
/// per token), each new word stemmed once, and the passage is kept as its
/// stream of word ids (a token's position is its place in the stream, as in
/// FTS5). ``invert()`` turns the words into terms, counting each word for
/// the lexicon as it goes, and the streams into postings with one counting
/// sort by term: it counts each
/// term's tokens, and a second pass over the streams drops every token's
/// (passage, position) into its term's slots, which come out ordered by
/// passage and position with no comparison at all. Only the distinct terms
/// are sorted, once.
///
/// Several writers filled in parallel over consecutive ranges of passage ids
/// serialize into one segment (``write(_:to:)``): their terms are merged in
/// byte order and their local numbers shifted, without analyzing again.
public struct SegmentWriter: Sendable {
    var ids: [Int64] = []
    var lengths: [UInt32] = []
    var documents: [UInt32] = []
    var terms = TermTable()
    /// Folded words seen, and the term each stems to: a word is stemmed once
    /// per writer, not once per occurrence. English words in `words` (the
    /// hot path, as before languages: stored properties, no array of
    /// tables to index per token), each other language's in its slot of
    /// `otherWords`, as a word's term depends on its language.
    var words = TermTable()
    var wordTerm: [Int32] = []
    let analyzer = Analyzer()
    var otherWords: [TermTable] = []
    var otherWordTerm: [[Int32]] = []
    var otherAnalyzers: [Analyzer] = []
    var languageSlot: [String: Int] = [:]
    /// The tokens of each language; with the words' occurrences, the
    /// segment's lexicon (``SurfaceLexicon``), made when the writer is inverted.
    var englishTokens: UInt64 = 0
    var otherTokens: [UInt64] = []
    /// After ``invert()``: the lexicon; nil when the writer was read from
    /// a segment that has none (format 6).
    var lexicon: SurfaceLexicon? = SurfaceLexicon()
    /// Every token of every passage, passage after passage: until
    /// ``invert()``, the token's word (an English word's id in `words`; a
    /// word of the language in slot s of `otherWords`, 0x8000_0000 | s << 28
    /// | its id), so that adding a token reads no table but the words'; then
    /// its term's id. ``invert()`` counts the words (the lexicon) as it
    /// turns them into terms.
    var stream: [UInt32] = []
    /// Whether `stream` holds words (see `stream`); terms when the writer
    /// was filled from other writers' terms.
    var streamHoldsWords = true
    var tokens: UInt64 = 0
    /// After ``invert()``: the postings, by term.
    var postings: InvertedPostings?
    /// After ``invert()``: term ids in byte order of their terms.
    var order: [Int32] = []
    var inverted: Bool { postings != nil }

    /// An empty segment.
    public init() {}

    /// Number of passages added.
    public var count: Int { ids.count }
    /// Tokens added.
    public var tokenCount: UInt64 { tokens }

    /// Adds a passage of catalog document `document`, analyzed in
    /// `language` (nil: English); ids must be added in ascending order.
    public mutating func add(id: Int64, document: Int = 0, text: String, language: Language? = nil) {
        precondition(ids.last.map { $0 < id } ?? true, "passage ids must ascend")
        precondition(!inverted, "the writer was already inverted")
        let before = stream.count
        var slot = -1
        if let language, language != .english {
            if let known = languageSlot[language.code] {
                slot = known
            } else {
                let analyzer = Analyzer(language: language)
                if analyzer.language != nil {
                    slot = otherAnalyzers.count
                    precondition(slot < 8, "more than eight languages besides English in one segment")
                    otherAnalyzers.append(analyzer)
                    otherWords.append(TermTable())
                    otherWordTerm.append([])
                    otherTokens.append(0)
                }
                languageSlot[language.code] = slot
            }
        }
        if slot < 0 {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { buffer in
                analyzer.foldedTokens(text) { word in
                    let known = words.count
                    let w = Int(words.id(of: word))
                    if w == known {
                        if word.count + 8 <= buffer.count {
                            let n = Analyzer.stem(word, into: buffer)
                            wordTerm.append(terms.id(of: UnsafeBufferPointer(rebasing: buffer[0..<n])))
                        } else {
                            wordTerm.append(terms.id(of: word))
                        }
                    }
                    stream.append(UInt32(w))
                }
            }
            englishTokens += UInt64(stream.count - before)
        } else {
            // The language's table taken out of its slot for the passage, so
            // that no token indexes the array of tables.
            var table = TermTable(standIn: ()), termOf: [Int32] = []
            swap(&table, &otherWords[slot])
            swap(&termOf, &otherWordTerm[slot])
            let analyzer = otherAnalyzers[slot]
            let tag = 0x8000_0000 | UInt32(slot) << 28
            analyzer.foldedTokens(text) { word in
                let known = table.count
                let w = Int(table.id(of: word))
                if w == known { termOf.append(analyzer.term(ofFolded: word) { terms.id(of: $0) }) }
                precondition(w < 1 << 28, "a segment of more than 2^28 distinct words")
                stream.append(tag | UInt32(w))
            }
            swap(&table, &otherWords[slot])
            swap(&termOf, &otherWordTerm[slot])
            otherTokens[slot] += UInt64(stream.count - before)
        }
        let length = UInt32(stream.count - before)
        ids.append(id)
        documents.append(UInt32(truncatingIfNeeded: document))
        lengths.append(length)
        tokens += UInt64(length)
    }

    /// Turns the stream's words into their terms, counting each word's
    /// occurrences into the lexicon (one pass over plain memory).
    mutating func wordsToTerms() {
        var counts = [UInt32](repeating: 0, count: words.count)
        var otherCounts = otherWords.map { [UInt32](repeating: 0, count: $0.count) }
        stream.withUnsafeMutableBufferPointer { stream in
            wordTerm.withUnsafeBufferPointer { wordTerm in
                counts.withUnsafeMutableBufferPointer { counts in
                    for k in stream.indices {
                        let token = stream[k]
                        if token & 0x8000_0000 == 0 {
                            counts[Int(token)] &+= 1
                            stream[k] = UInt32(bitPattern: wordTerm[Int(token)])
                        } else {
                            let slot = Int(token >> 28 & 7), w = Int(token & 0x0FFF_FFFF)
                            otherCounts[slot][w] &+= 1
                            stream[k] = UInt32(bitPattern: otherWordTerm[slot][w])
                        }
                    }
                }
            }
        }
        lexicon?.add(code: "en", tokens: englishTokens, table: words, counts: counts, caseFolded: false)
        for slot in otherWords.indices {
            lexicon?.add(code: otherAnalyzers[slot].language!.code, tokens: otherTokens[slot], table: otherWords[slot],
                         counts: otherCounts[slot], caseFolded: true)
        }
    }

    /// Builds the postings from the streams (see the type's description).
    mutating func invert() {
        guard !inverted else { return }
        if streamHoldsWords { wordsToTerms() }
        let inverted = InvertedPostings(terms: terms.count, tokens: stream.count)
        let starts = inverted.starts, locals = inverted.locals, positions = inverted.positions
        starts.update(repeating: 0)
        stream.withUnsafeBufferPointer { stream in
            for t in stream { starts[Int(t) + 1] += 1 }
            for t in 0..<terms.count { starts[t + 1] += starts[t] }
            var fill = [Int](starts.dropLast())
            fill.withUnsafeMutableBufferPointer { fill in
                var k = 0
                for (local, length) in lengths.enumerated() {
                    for position in 0..<Int(length) {
                        let t = Int(stream[k])
                        let slot = fill[t]
                        fill[t] = slot + 1
                        locals[slot] = UInt32(local)
                        positions[slot] = UInt32(position)
                        k += 1
                    }
                }
            }
        }
        postings = inverted
        stream = []
        words = TermTable()
        wordTerm = []
        otherWords = otherWords.map { _ in TermTable() }
        otherWordTerm = otherWordTerm.map { _ in [] }
        order = terms.sortedIDs()
    }

    /// The live passages of a segment, read back for merging: deleted
    /// passages are dropped and the others numbered again from 0.
    init(reading reader: SegmentReader, deleted: Deletions) {
        var renumbered = [Int32](repeating: -1, count: reader.count)
        for local in 0..<reader.count where !deleted.contains(local) {
            renumbered[local] = Int32(ids.count)
            ids.append(reader.passageID(local))
            documents.append(UInt32(reader.document(local)))
            let length = UInt32(reader.length(local))
            lengths.append(length)
            tokens += UInt64(length)
        }
        // Deleted passages' words are not known: the counts are scaled to the live tokens.
        lexicon = reader.lexicon?.lexicon(scaledBy: reader.tokenCount == 0 ? 1 : Double(tokens) / Double(reader.tokenCount))
        var termPositions: [UInt32] = []
        let inverted = InvertedPostings(terms: reader.termCount, tokens: Int(tokens))
        var slot = 0
        inverted.starts[0] = 0
        reader.forEachTerm { term, entry in
            let cursor = reader.cursor(entry)
            let before = slot
            while cursor.doc != PostingCursor.end {
                let local = renumbered[cursor.doc]
                if local >= 0 {
                    cursor.positions(into: &termPositions)
                    for p in termPositions {
                        inverted.locals[slot] = UInt32(local)
                        inverted.positions[slot] = p
                        slot += 1
                    }
                }
                cursor.next()
            }
            if slot > before {
                // Terms arrive in byte order, so ids are already sorted.
                let id = terms.id(of: term)
                order.append(id)
                inverted.starts[Int(id) + 1] = slot
            }
        }
        postings = inverted
    }

    /// One writer holding the passages of `writers` in ascending id order,
    /// whatever their ranges (passage by passage; used only if ids interleave).
    init(resorting writers: [SegmentWriter]) {
        var passages: [(id: Int64, document: UInt32, stream: [[UInt8]])] = []
        for w in writers {
            let first = passages.count
            for length in w.lengths { passages.append((0, 0, [[UInt8]](repeating: [], count: Int(length)))) }
            for (k, id) in w.ids.enumerated() {
                passages[first + k].id = id
                passages[first + k].document = w.documents[k]
            }
            let inverted = w.postings!
            for t in 0..<w.terms.count {
                let term = Array(w.terms.arena[w.terms.range(Int32(t))])
                for slot in inverted.starts[t]..<inverted.starts[t + 1] {
                    passages[first + Int(inverted.locals[slot])].stream[Int(inverted.positions[slot])] = term
                }
            }
        }
        passages.sort { $0.id < $1.id }
        lexicon = Self.lexicon(of: writers)
        streamHoldsWords = false
        for passage in passages {
            for term in passage.stream { stream.append(UInt32(bitPattern: term.withUnsafeBufferPointer { terms.id(of: $0) })) }
            ids.append(passage.id)
            documents.append(passage.document)
            lengths.append(UInt32(passage.stream.count))
            tokens += UInt64(passage.stream.count)
        }
        invert()
    }

    /// The segment's bytes.
    public func serialize() -> [UInt8] { Self.serialize([self]) }

    /// One segment holding the passages of `writers`, whose id ranges must
    /// ascend from one writer to the next. The writers' terms are merged in
    /// byte order first; then runs of terms are encoded on `threads` threads
    /// (a term's encoding does not depend on where it lands), and the
    /// dictionary is written last, once every term's offsets are known.
    ///
    /// `documentCounts: false` writes segment format 5, without each term's
    /// number of documents: what an index from an earlier Dossier holds, for
    /// the tests that check such an index is still read; `documentLists:
    /// false`, format 7, without document lists (format 6 when the writers
    /// have no lexicon).
    static func serialize(_ writers: [SegmentWriter], threads: Int = 1, documentCounts: Bool = true, documentLists: Bool = true) -> [UInt8] {
        var writers = writers.filter { $0.count > 0 }
        for w in writers.indices { writers[w].invert() }
        var shift: [UInt32] = []
        var total: UInt32 = 0
        for w in writers {
            shift.append(total)
            total += UInt32(w.count)
        }
        // 1. The merged vocabulary: per term, the writers holding it.
        var representative: [(writer: Int32, id: Int32)] = []
        var holderStart = [0]
        var holders: [(writer: Int32, id: Int32)] = []
        var weights: [Int] = []
        var next = [Int](repeating: 0, count: writers.count)
        while true {
            var smallest: Int?
            for w in writers.indices where next[w] < writers[w].order.count {
                if let s = smallest {
                    if writers[w].terms.precedes(writers[w].order[next[w]], writers[s].terms, writers[s].order[next[s]]) { smallest = w }
                } else {
                    smallest = w
                }
            }
            guard let s = smallest else { break }
            let id = writers[s].order[next[s]]
            representative.append((Int32(s), id))
            var weight = 0
            for w in writers.indices where next[w] < writers[w].order.count {
                let t = writers[w].order[next[w]]
                guard w == s || writers[w].terms.equal(t, writers[s].terms, id) else { continue }
                next[w] += 1
                holders.append((Int32(w), t))
                weight += writers[w].postings!.starts[Int(t) + 1] - writers[w].postings!.starts[Int(t)]
            }
            holderStart.append(holders.count)
            weights.append(weight + 8)
        }
        // 2. Runs of terms of about equal weight, encoded in parallel.
        let lengths = writers.flatMap(\.lengths)
        let owners = writers.flatMap(\.documents)
        let largestOwner = Int(owners.max() ?? 0)
        let lexicon = Self.lexicon(of: writers)
        // Format 8 (document lists) needs format 7's lexicon and format 6's counts.
        let writesDocumentLists = documentLists && documentCounts && lexicon != nil
        let parts = max(1, min(threads, representative.count / 1024))
        var cuts = [0]
        let share = (weights.reduce(0, +) + parts - 1) / parts
        var sum = 0
        for (t, weight) in weights.enumerated() {
            sum += weight
            if sum >= share * cuts.count, cuts.count < parts { cuts.append(t + 1) }
        }
        cuts.append(representative.count)
        let views = writers.map { $0.postings! }
        let longest = weights.max() ?? 0
        let (cutsDone, holdersDone, holderStartDone, shiftDone) = (cuts, holders, holderStart, shift)
        let encoded = parallelMap(cuts.count - 1) { part -> EncodedTerms in
            let (cuts, holders, holderStart, shift) = (cutsDone, holdersDone, holderStartDone, shiftDone)
            var out = EncodedTerms()
            var scratch: [UInt32] = []
            // Per document, the last term that counted it, and where its entry
            // of that term's document list is.
            var counted = [Int32](repeating: -1, count: largestOwner + 1)
            var entryOf = [Int32](repeating: 0, count: writesDocumentLists ? largestOwner + 1 : 0)
            var listOwners: [UInt32] = [], listInstances: [UInt32] = [], listPassages: [UInt32] = []
            var listBytes: [UInt8] = []
            let docs = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: longest)
            let tfs = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: longest)
            let positions = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: longest)
            defer {
                docs.deallocate()
                tfs.deallocate()
                positions.deallocate()
            }
            lengths.withUnsafeBufferPointer { lengths in
                for term in cuts[part]..<cuts[part + 1] {
                    var n = 0, k = 0
                    for h in holderStart[term]..<holderStart[term + 1] {
                        let (w, t) = holders[h]
                        let view = views[Int(w)]
                        let offset = shift[Int(w)]
                        // Runs of one local number are one posting.
                        for slot in view.starts[Int(t)]..<view.starts[Int(t) + 1] {
                            let local = view.locals[slot] + offset
                            if n > 0 && docs[n - 1] == local {
                                tfs[n - 1] += 1
                            } else {
                                docs[n] = local
                                tfs[n] = 1
                                n += 1
                            }
                            positions[k] = view.positions[slot]
                            k += 1
                        }
                    }
                    out.postingsAt.append(out.postings.count)
                    out.positionsAt.append(out.positions.count)
                    out.documentFrequencies.append(n)
                    // Its documents, each counted once however its passages lie.
                    var documents = 0
                    for j in 0..<n {
                        let owner = Int(owners[Int(docs[j])])
                        if counted[owner] != Int32(term) {
                            counted[owner] = Int32(term)
                            documents += 1
                        }
                    }
                    out.documentCounts.append(documents)
                    if writesDocumentLists, DocumentListFormat.stored(passages: n, documents: documents) {
                        // Its document list (DocumentList.swift), before its postings.
                        listOwners.removeAll(keepingCapacity: true)
                        listInstances.removeAll(keepingCapacity: true)
                        listPassages.removeAll(keepingCapacity: true)
                        for j in 0..<n {
                            let owner = Int(owners[Int(docs[j])])
                            if counted[owner] == Int32(term) {
                                // First seen for this term: a new entry (marked by −2 − term).
                                counted[owner] = -2 - Int32(term)
                                entryOf[owner] = Int32(listOwners.count)
                                listOwners.append(UInt32(owner))
                                listInstances.append(0)
                                listPassages.append(0)
                            }
                            let e = Int(entryOf[owner])
                            listInstances[e] += tfs[j]
                            listPassages[e] += 1
                        }
                        var order = Array(listOwners.indices)
                        if zip(listOwners, listOwners.dropFirst()).contains(where: { $0 > $1 }) { order.sort { listOwners[$0] < listOwners[$1] } }
                        let (o, i, p) = (order.map { listOwners[$0] }, order.map { listInstances[$0] }, order.map { listPassages[$0] })
                        o.withUnsafeBufferPointer { o in
                            i.withUnsafeBufferPointer { i in
                                p.withUnsafeBufferPointer { p in
                                    DocumentListFormat.append(owners: o, instances: i, passages: p, to: &out.postings, scratch: &listBytes)
                                }
                            }
                        }
                    }
                    encodeTerm(docs: UnsafeBufferPointer(rebasing: docs[0..<n]), tfs: UnsafeBufferPointer(rebasing: tfs[0..<n]),
                               positions: UnsafeBufferPointer(rebasing: positions[0..<k]), lengths: lengths,
                               postings: &out.postings, positionsOut: &out.positions, scratch: &scratch)
                }
            }
            return out
        }
        // 3. The dictionary, now that every offset is known, and the sections.
        var serializer = SegmentSerializer(lengths: lengths)
        serializer.dictionary.writesDocumentCounts = documentCounts
        var term = 0
        for part in encoded {
            let postingsBase = serializer.postings.count, positionsBase = serializer.positions.count
            for k in part.documentFrequencies.indices {
                let (w, id) = representative[term]
                let table = writers[Int(w)].terms
                table.arena.withUnsafeBufferPointer { arena in
                    serializer.dictionary.add(UnsafeBufferPointer(rebasing: arena[table.range(id)]),
                                              documentFrequency: part.documentFrequencies[k],
                                              documents: part.documentCounts[k],
                                              postings: UInt64(postingsBase + part.postingsAt[k]),
                                              positions: UInt64(positionsBase + part.positionsAt[k]))
                }
                term += 1
            }
            serializer.postings.append(contentsOf: part.postings)
            serializer.positions.append(contentsOf: part.positions)
        }
        return serializer.finish(ids: writers.flatMap(\.ids), documents: writers.flatMap(\.documents),
                                 tokens: writers.reduce(0) { $0 + $1.tokens }, lexicon: lexicon, documentLists: writesDocumentLists)
    }

    /// The lexicons of `writers` added up; nil if one has none.
    static func lexicon(of writers: [SegmentWriter]) -> SurfaceLexicon? {
        var sum = SurfaceLexicon()
        for w in writers {
            guard let lexicon = w.lexicon else { return nil }
            sum.add(lexicon)
        }
        return sum
    }

    /// A run of terms encoded by one thread: sections with offsets from their start.
    struct EncodedTerms: Sendable {
        var postings: [UInt8] = []
        var positions: [UInt8] = []
        var postingsAt: [Int] = []
        var positionsAt: [Int] = []
        var documentFrequencies: [Int] = []
        var documentCounts: [Int] = []
    }

    /// Writes the segment to `url` atomically (temporary file, fsync, rename).
    public func write(to url: URL) throws {
        try AtomicFile.write(serialize(), to: url)
    }

    /// Writes one segment holding the passages of `writers` (ascending id
    /// ranges). The caller syncs the segments' folder before a manifest names it.
    static func write(_ writers: [SegmentWriter], threads: Int = 1, to url: URL) throws {
        try AtomicFile.write(serialize(writers, threads: threads), to: url, syncingFolder: false)
    }
}

/// Interned terms: their bytes in one arena, found by an open-addressing hash.
///
/// A lookup is the hot path of indexing (once per token), and what it costs
/// is the cache lines it touches: a slot holds the id and the high half of
/// the hash in one word, and an id's place in the arena is one word too,
/// so that a word seen before reads three lines (slot, span, bytes) and
/// compares its bytes inline, eight at a time.
struct TermTable: Sendable {
    var arena: [UInt8] = []
    /// Per id, its bytes' start in `arena` (low half) and length (high half).
    var spans: [UInt64] = []
    /// Per id, its hash (so that growing never hashes again).
    var hashes: [UInt64] = []
    /// Open addressing: per slot, 0 when empty, else the high half of the
    /// hash (high half of the word, compared before any bytes are) and the
    /// id + 1 (low half).
    var slots = [UInt64](repeating: 0, count: 1 << 12)

    var count: Int { spans.count }

    init() {}

    /// A table that holds nothing and allocates nothing: a stand-in while
    /// a writer's table is taken out to be used (never looked up).
    init(standIn: Void) {
        slots = []
    }

    func range(_ id: Int32) -> Range<Int> {
        let span = spans[Int(id)]
        let start = Int(span & 0xFFFF_FFFF)
        return start..<(start + Int(span >> 32))
    }

    /// A multiply-xorshift hash over 8 bytes at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(base[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }

    /// Whether the `n` bytes at `a` and `b` are equal: eight at a time, then one
    /// at a time (a call to `memcmp` per token cost more than the compare).
    @inline(__always)
    static func equalBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    /// The id of `bytes`, interning them if new (ids are given 0, 1, 2, … in
    /// order of first appearance).
    @inline(__always)
    mutating func id(of bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if count * 2 >= slots.count { grow() }
        let h = Self.hash(bytes)
        let tag = h & 0xFFFF_FFFF_0000_0000
        let mask = slots.count - 1
        var slot = Int(h & UInt64(mask))
        let found: Int32? = slots.withUnsafeBufferPointer { slots in
            spans.withUnsafeBufferPointer { spans in
                arena.withUnsafeBufferPointer { arena in
                    while true {
                        let entry = slots[slot]
                        if entry == 0 { return nil }
                        if entry & 0xFFFF_FFFF_0000_0000 == tag {
                            let id = Int(entry & 0xFFFF_FFFF) - 1
                            let span = spans[id]
                            if Int(span >> 32) == bytes.count
                                && (bytes.isEmpty || Self.equalBytes(arena.baseAddress! + Int(span & 0xFFFF_FFFF), bytes.baseAddress!, bytes.count)) {
                                return Int32(id)
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
        if let found { return found }
        let new = Int32(count)
        precondition(arena.count + bytes.count <= Int(UInt32.max), "a table of more than 4 GiB of terms")
        spans.append(UInt64(arena.count) | UInt64(bytes.count) << 32)
        hashes.append(h)
        arena.append(contentsOf: bytes)
        slots[slot] = tag | UInt64(new + 1)
        return new
    }

    mutating func grow() {
        var bigger = [UInt64](repeating: 0, count: slots.count * 2)
        let mask = bigger.count - 1
        for id in 0..<count {
            var slot = Int(hashes[id] & UInt64(mask))
            while bigger[slot] != 0 { slot = (slot + 1) & mask }
            bigger[slot] = hashes[id] & 0xFFFF_FFFF_0000_0000 | UInt64(id + 1)
        }
        slots = bigger
    }

    /// Whether term `x` precedes `other`'s term `y` in byte order.
    func precedes(_ x: Int32, _ other: TermTable, _ y: Int32) -> Bool {
        let rx = range(x), ry = other.range(y)
        let n = min(rx.count, ry.count)
        for k in 0..<n where arena[rx.lowerBound + k] != other.arena[ry.lowerBound + k] {
            return arena[rx.lowerBound + k] < other.arena[ry.lowerBound + k]
        }
        return rx.count < ry.count
    }

    /// Whether term `x` is `other`'s term `y`.
    func equal(_ x: Int32, _ other: TermTable, _ y: Int32) -> Bool {
        arena[range(x)].elementsEqual(other.arena[other.range(y)])
    }

    /// Term ids in byte order of their terms.
    ///
    /// Each term's first 8 bytes, big-endian and padded with zeros (no
    /// term holds a zero byte), are its key: the keys sort as integers,
    /// and only terms whose first 8 bytes are equal compare the rest. A
    /// comparison of arena bytes for every pair cost an eighth of an
    /// index build.
    func sortedIDs() -> [Int32] {
        arena.withUnsafeBufferPointer { a in
            var keyed: [(key: UInt64, id: Int32)] = []
            keyed.reserveCapacity(count)
            for id in 0..<count {
                let span = spans[id]
                let start = Int(span & 0xFFFF_FFFF), length = Int(span >> 32)
                var key: UInt64 = 0
                for k in 0..<8 { key = key << 8 | UInt64(k < length ? a[start + k] : 0) }
                keyed.append((key, Int32(id)))
            }
            keyed.sort { x, y in
                if x.key != y.key { return x.key < y.key }
                let rx = range(x.id), ry = range(y.id)
                let nx = rx.count, ny = ry.count
                let n = min(nx, ny)
                var k = 8
                while k < n {
                    if a[rx.lowerBound + k] != a[ry.lowerBound + k] { return a[rx.lowerBound + k] < a[ry.lowerBound + k] }
                    k += 1
                }
                return nx < ny
            }
            return keyed.map(\.id)
        }
    }
}

/// A writer's postings after inversion: term t's tokens are slots
/// `starts[t]..<starts[t+1]`, each a local number and a position, ordered by
/// both. Plain memory, read without reference counting by the threads that
/// encode terms.
final class InvertedPostings: @unchecked Sendable {
    let starts: UnsafeMutableBufferPointer<Int>
    let locals: UnsafeMutableBufferPointer<UInt32>
    let positions: UnsafeMutableBufferPointer<UInt32>

    init(terms: Int, tokens: Int) {
        starts = .allocate(capacity: terms + 1)
        starts.initialize(repeating: 0)
        locals = .allocate(capacity: max(1, tokens))
        positions = .allocate(capacity: max(1, tokens))
    }

    deinit {
        starts.deallocate()
        locals.deallocate()
        positions.deallocate()
    }
}
