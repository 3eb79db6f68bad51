import Foundation
import Testing
import TestSupport
@testable import DossierCore
@testable import Index

/// The tests' deterministic generator.
typealias Random = SeededRandom

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-index-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Bit packing and postings blocks")
struct PostingsTests {
    @Test("values of every width pack and unpack to themselves, one by one and in runs")
    func bitPacking() {
        var random = Random(seed: 1)
        for width in 0...32 {
            let values: [UInt32] = (0..<300).map { _ in width == 0 ? 0 : UInt32(truncatingIfNeeded: random.next()) & UInt32((UInt64(1) << UInt64(width)) - 1) }
            var bytes: [UInt8] = []
            values.withUnsafeBufferPointer { BitPacking.pack($0, width: width, into: &bytes) }
            #expect(bytes.count == BitPacking.byteCount(count: values.count, width: width))
            bytes += [0, 0, 0, 0, 0, 0, 0, 0]
            var out = [UInt32](repeating: 7, count: values.count)
            bytes.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, count: values.count, width: width, into: $0.baseAddress!) }
                // A run read from the middle, as a phrase reads one posting's positions.
                var middle = [UInt32](repeating: 7, count: 50)
                middle.withUnsafeMutableBufferPointer { BitPacking.unpack(raw.baseAddress!, from: 127, count: 50, width: width, into: $0.baseAddress!) }
                #expect(middle == Array(values[127..<177]))
            }
            #expect(out == values)
        }
    }

    @Test("varints of one to five bytes read back the same without a branch on their length, as with one")
    func shortVarints() {
        var random = Random(seed: 3)
        var values: [UInt64] = [0, 1, 127, 128, 255, 16_383, 16_384, (1 << 21) - 1, 1 << 21, (1 << 28) - 1, 1 << 28, UInt64(UInt32.max), (1 << 35) - 1]
        for _ in 0..<2000 { values.append(random.next() >> UInt64(29 + random.below(35))) }
        var bytes: [UInt8] = []
        for value in values { appendVarint(value, to: &bytes) }
        bytes += [0, 0, 0, 0, 0, 0, 0, 0]
        bytes.withUnsafeBytes { raw in
            var p = 0, q = 0
            for value in values {
                #expect(readShortVarint(raw.baseAddress!, &p) == value)
                #expect(readVarint(raw.baseAddress!, &q) == value)
                #expect(p == q)
            }
        }
    }

    /// A segment of `n` passages where term "t<k>" is in every k-th passage, k times at spread positions.
    func segment(_ n: Int, in dir: URL) throws -> (SegmentReader, [String: [(Int, [UInt32])]]) {
        var writer = SegmentWriter()
        var expected: [String: [(Int, [UInt32])]] = [:]
        var random = Random(seed: 9)
        for local in 0..<n {
            var words: [String] = []
            for k in [1, 2, 3, 7, 50, 400] where local % k == 0 {
                for _ in 0..<(1 + random.below(k == 1 ? 40 : 3)) { words.append("t\(k)") }
            }
            for _ in 0..<random.below(300) { words.append("filler") }
            words.shuffle(using: &random)
            for (position, word) in words.enumerated() where word != "filler" {
                if expected[word]?.last?.0 == local {
                    expected[word]![expected[word]!.count - 1].1.append(UInt32(position))
                } else {
                    expected[word, default: []].append((local, [UInt32(position)]))
                }
            }
            writer.add(id: Int64(10 * local + 3), document: local / 10, text: words.joined(separator: " "))
        }
        let url = dir.appendingPathComponent("s.seg")
        try writer.write(to: url)
        return (try SegmentReader(url: url), expected)
    }

    @Test("a cursor reads back every posting, frequency and position, across full blocks and the short last one")
    func roundTrip() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (reader, expected) = try segment(1000, in: dir)
        for (term, postings) in expected {
            let entry = try #require(reader.lookup(Array(term.utf8)))
            #expect(entry.documentFrequency == postings.count)
            var got: [(Int, [UInt32])] = []
            reader.forEachPosting(entry) { got.append(($0, $1)) }
            #expect(got.map(\.0) == postings.map(\.0), "\(term)")
            #expect(got.map(\.1) == postings.map(\.1), "\(term)")
            // The same through currentPositions, which decodes one posting at
            // a time and then, past half a block, the whole block.
            let cursor = reader.cursor(entry)
            var viewed: [[UInt32]] = []
            while cursor.doc != PostingCursor.end {
                viewed.append(Array(cursor.currentPositions()))
                cursor.next()
            }
            #expect(viewed == postings.map(\.1), "\(term)")
            // The same again with whole blocks decoded from the first request, as a phrase's rarer word reads them.
            let bulk = reader.cursor(entry)
            bulk.readsMostPositions = true
            var every: [[UInt32]] = []
            while bulk.doc != PostingCursor.end {
                every.append(Array(bulk.currentPositions()))
                bulk.next()
            }
            #expect(every == postings.map(\.1), "\(term)")
        }
        #expect(reader.lookup(Array("absent".utf8)) == nil)
        #expect(reader.lookup(prefix: Array("t".utf8)).count == 6)
        #expect(reader.passageID(999) == 9993)
        #expect(reader.document(999) == 99 && reader.document(0) == 0)
        #expect(reader.local(of: 9993) == 999 && reader.local(of: 9994) == nil)
    }

    @Test("passage ids read back whether a segment's ids run without a gap (a sum) or with gaps (a load)")
    func consecutiveIDs() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for ids: [Int64] in [[5, 6, 7, 8], [5, 6, 7, 9], [1, 3, 4, 5], [42]] {
            var writer = SegmentWriter()
            for (local, id) in ids.enumerated() { writer.add(id: id, document: local, text: "rhino horn") }
            let url = dir.appendingPathComponent("ids.seg")
            try writer.write(to: url)
            let reader = try SegmentReader(url: url)
            #expect((0..<ids.count).map { reader.passageID($0) } == ids)
            #expect(ids.allSatisfy { reader.local(of: $0).map { ids[$0] } == $0 })
        }
    }

    @Test("the dictionary finds every term, front-coded among neighbours that share its prefix, and nothing that is not a term")
    func dictionaryLookup() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Words that share prefixes of every length, some prefixes of others, some long, some beyond ASCII.
        var random = Random(seed: 21)
        var vocabulary = Set<String>()
        let letters = Array("abcz")
        while vocabulary.count < 900 {
            let length = 1 + random.below(random.below(10) == 0 ? 90 : 9)
            vocabulary.insert(String((0..<length).map { _ in letters[random.below(letters.count)] }))
        }
        vocabulary.formUnion(["é", "éa", "ωμέγα", "zzzz"])
        // Blocks of terms whose first 8 bytes are all the same: told apart by their whole first terms.
        vocabulary.formUnion((0..<80).map { "cabcabcabcab\($0)" })
        var writer = SegmentWriter()
        let words = vocabulary.sorted()
        for (i, chunk) in stride(from: 0, to: words.count, by: 7).enumerated() {
            writer.add(id: Int64(i + 1), text: words[chunk..<min(words.count, chunk + 7)].joined(separator: " "))
        }
        let url = dir.appendingPathComponent("d.seg")
        try writer.write(to: url)
        let reader = try SegmentReader(url: url)
        var terms: [[UInt8]] = []
        var entries: [SegmentReader.TermEntry] = []
        reader.forEachTerm { bytes, entry in
            terms.append(Array(bytes))
            entries.append(entry)
        }
        #expect(terms.count > 700)
        let known = Set(terms)
        for (term, entry) in zip(terms, entries) {
            let found = try #require(reader.lookup(term), "\(String(decoding: term, as: UTF8.self))")
            #expect(found.documentFrequency == entry.documentFrequency && found.postings == entry.postings && found.positions == entry.positions)
            // Neighbours that are not terms: shorter, longer, one byte off either way.
            var probes: [[UInt8]] = [term + [0x61], term + [0x00], term + [0xFF], Array(term.dropLast())]
            var up = term, down = term
            up[up.count - 1] &+= 1
            down[down.count - 1] &-= 1
            probes += [up, down]
            for probe in probes where !known.contains(probe) {
                #expect(reader.lookup(probe) == nil, "\(probe)")
            }
        }
        #expect(reader.lookup([]) == nil && reader.lookup([0x00]) == nil && reader.lookup([0xFF, 0xFF]) == nil)
    }

    @Test("each term's entry holds its numbers of passages and of documents (format 6); a format 5 segment still reads, without the documents")
    func documentCounts() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var random = Random(seed: 33)
        var writer = SegmentWriter()
        // Documents of 1 to 9 passages; each passage a few words of a small vocabulary.
        var truth: [String: (passages: Int, documents: Set<Int>)] = [:]
        var id: Int64 = 0
        for document in 1...300 {
            for _ in 0..<(1 + random.below(9)) {
                id += 1
                let words = Set((0..<(1 + random.below(6))).map { _ in "w\(random.below(random.below(4) == 0 ? 400 : 40))" })
                writer.add(id: id, document: document, text: words.joined(separator: " "))
                for word in words {
                    truth[word, default: (0, [])].passages += 1
                    truth[word, default: (0, [])].documents.insert(document)
                }
            }
        }
        for documentCounts in [true, false] {
            let url = dir.appendingPathComponent("d\(documentCounts).seg")
            try Data(SegmentWriter.serialize([writer], documentCounts: documentCounts)).write(to: url)
            let reader = try SegmentReader(url: url)
            var seen = 0
            reader.forEachTerm { bytes, entry in
                let word = String(decoding: bytes, as: UTF8.self)
                seen += 1
                #expect(entry.documentFrequency == truth[word]?.passages)
                #expect(entry.documentCount == (documentCounts ? truth[word]?.documents.count : -1), "\(word)")
            }
            #expect(seen == truth.count)
            for (word, expected) in truth {
                let entry = try #require(reader.lookup(word))
                #expect(entry.documentFrequency == expected.passages && entry.documentCount == (documentCounts ? expected.documents.count : -1))
            }
        }
    }

    @Test("each term's documents, with its instances and passages in each, read back from its document list (format 8) or its postings (format 7)")
    func documentLists() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var random = Random(seed: 81)
        var writer = SegmentWriter()
        // Documents numbered out of order, of 1 to 30 passages, some coming
        // back later (pages added to them): lists must be sorted and merged.
        var truth: [String: [Int: (instances: Int, passages: Int)]] = [:]
        var id: Int64 = 0
        let documents = (1...120).map { ($0 * 37) % 121 } + [5, 44, 5]
        for document in documents {
            for _ in 0..<(1 + random.below(random.below(3) == 0 ? 30 : 4)) {
                id += 1
                let words = (0..<(1 + random.below(12))).map { _ in "w\(random.below(random.below(4) == 0 ? 300 : 12))" }
                writer.add(id: id, document: document, text: words.joined(separator: " "))
                var counts: [String: Int] = [:]
                for word in words { counts[word, default: 0] += 1 }
                for (word, n) in counts {
                    truth[word, default: [:]][document, default: (0, 0)].instances += n
                    truth[word, default: [:]][document, default: (0, 0)].passages += 1
                }
            }
        }
        for lists in [true, false] {
            let url = dir.appendingPathComponent("l\(lists).seg")
            let bytes = SegmentWriter.serialize([writer], documentLists: lists)
            #expect(Array(bytes.prefix(8)) == Array((lists ? "DOSSEG08" : "DOSSEG07").utf8))
            try Data(bytes).write(to: url)
            let reader = try SegmentReader(url: url)
            var stored = 0, seen = 0
            var tally = DocumentTally()
            reader.forEachTerm { bytes, entry in
                let word = String(decoding: bytes, as: UTF8.self)
                seen += 1
                if entry.documentList >= 0 { stored += 1 }
                #expect((entry.documentList >= 0) == (lists && DocumentListFormat.stored(passages: entry.documentFrequency, documents: entry.documentCount)))
                reader.documents(entry, into: &tally)
                let expected = (truth[word] ?? [:]).sorted { $0.key < $1.key }
                #expect(tally.documents.map(Int.init) == expected.map(\.key), "\(word)")
                #expect(tally.instances.map(Int.init) == expected.map(\.value.instances) && tally.passages.map(Int.init) == expected.map(\.value.passages),
                        "\(word)")
                // The postings still read past the list.
                var passages = 0
                reader.forEachFrequency(entry) { _, _ in passages += 1 }
                #expect(passages == entry.documentFrequency)
            }
            #expect(seen == truth.count)
            #expect(lists ? stored >= 5 : stored == 0, "terms with a stored list: \(stored)")
        }
    }

    @Test("a small segment's term filter passes every term it holds and turns away nearly every other word; a large segment has none")
    func termFilter() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        func reader(_ terms: Int, _ name: String) throws -> SegmentReader {
            var writer = SegmentWriter()
            for chunk in stride(from: 0, to: terms, by: 50) {
                writer.add(id: Int64(chunk + 1), text: (chunk..<min(terms, chunk + 50)).map { "w\($0)x" }.joined(separator: " "))
            }
            let url = dir.appendingPathComponent(name)
            try writer.write(to: url)
            return try SegmentReader(url: url)
        }
        let small = try reader(3000, "small.seg")
        let filter = try #require(small.filter)
        var present = 0
        small.forEachTerm { term, _ in if filter.mayContain(term) { present += 1 } }
        #expect(present == small.termCount)
        var passed = 0
        for i in 0..<20_000 {
            let word = Array("v\(i)y".utf8)
            if word.withUnsafeBufferPointer(filter.mayContain) { passed += 1 }
            #expect(small.lookup(word) == nil)
        }
        #expect(passed < 20_000 / 20, "\(passed) of 20,000 absent words passed the filter")
        #expect(try reader(TermFilter.maximumTerms + 1, "large.seg").filter == nil)
    }

    @Test("seek lands on the first posting at or after its target, and block bounds hold for every posting of the block")
    func seekAndBounds() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (reader, expected) = try segment(1000, in: dir)
        var random = Random(seed: 3)
        for (term, postings) in expected {
            let entry = try #require(reader.lookup(Array(term.utf8)))
            let docs = postings.map(\.0)
            for _ in 0..<50 {
                let cursor = reader.cursor(entry)
                var target = 0
                while true {
                    target += random.below(120)
                    cursor.seek(target)
                    let want = docs.first { $0 >= target } ?? PostingCursor.end
                    #expect(cursor.doc == want, "\(term) seek \(target)")
                    guard cursor.doc != PostingCursor.end else { break }
                    #expect(cursor.tf == postings[docs.firstIndex(of: want)!].1.count)
                    // Every posting of the cursor's block is within its bounds.
                    #expect(cursor.doc <= cursor.blockLast(cursor.block))
                    var beaten = false
                    cursor.forEachFrontierPoint(cursor.block) { tf, length in
                        if tf >= Double(cursor.tf) && length <= Double(reader.length(cursor.doc)) { beaten = true }
                    }
                    #expect(beaten, "\(term) at \(cursor.doc): no frontier point beats (\(cursor.tf), \(reader.length(cursor.doc)))")
                }
            }
        }
    }

    @Test("a block's frontier keeps every unbeaten (tf, length) pair, and a shortened one still beats them all")
    func frontier() {
        var random = Random(seed: 5)
        for _ in 0..<2000 {
            let pairs = (0..<(1 + random.below(128))).map { _ in (tf: UInt32(1 + random.below(random.below(2) == 0 ? 4 : 70000)), length: UInt32(1 + random.below(random.below(2) == 0 ? 300 : 90000))) }
            let frontier = BlockFrontier.compute(pairs)
            #expect(frontier.count == BlockFrontier.size)
            for pair in pairs {
                #expect(frontier.contains { BlockFrontier.boundingTF($0.tf) >= Double(pair.tf) && $0.length <= pair.length && $0.tf > 0 },
                        "\(pair) beats the frontier \(frontier)")
            }
        }
        // Few distinct pairs: the frontier is exact.
        let exact = BlockFrontier.compute([(3, 100), (1, 10), (2, 50), (1, 200), (3, 300)])
        #expect(exact.map(\.tf) == [3, 2, 1, 0] && exact.map(\.length) == [100, 50, 10, 0xFFFF])
    }

    @Test("a segment cut or damaged is refused with a one-line error, and version 1 asks for a rebuild")
    func corruption() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try segment(50, in: dir)
        let url = dir.appendingPathComponent("s.seg")
        var bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 3).write(to: url)
        #expect(throws: DossierError.self) { try SegmentReader(url: url) }
        bytes.replaceSubrange(0..<8, with: Array("DOSSEG01".utf8))
        try bytes.write(to: url)
        #expect { try SegmentReader(url: url) } throws: { error in
            guard case DossierError.indexFormat(let message) = error else { return false }
            return message.contains("dossier index")
        }
    }
}

@Suite("Index writer")
struct IndexWriterTests {
    @Test("nightly commits of a few passages keep the segment count logarithmic, and every passage stays searchable")
    func tieredMerging() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try IndexWriter(folder: dir)
        var live: [Int64: String] = [:]
        var next: Int64 = 1
        var most = 0
        for night in 0..<120 {
            for _ in 0..<(night == 0 ? 3000 : 20) {
                live[next] = "night\(night) passage\(next) common"
                next += 1
            }
            let texts = live
            _ = try writer.sync(live: Set(live.keys)) { ids in ids.map { ($0, texts[$0]!) } }
            most = max(most, try Manifest.read(in: dir).segments.count)
        }
        // 3000 + 2400 passages: without merging, 120 segments.
        #expect(most <= 12)
        let snapshot = try IndexSnapshot(folder: dir)
        #expect(snapshot.passageCount == live.count)
        var df = 0
        for (s, reader) in snapshot.segments.enumerated() {
            if let entry = reader.lookup(Array("common".utf8)) {
                reader.forEachFrequency(entry) { local, _ in if !snapshot.deleted[s].contains(local) { df += 1 } }
            }
        }
        #expect(df == live.count)
        // Segments hold ascending, disjoint id ranges.
        let ranges = snapshot.segments.map { ($0.passageID(0), $0.passageID($0.count - 1)) }
        for (a, b) in zip(ranges, ranges.dropFirst()) { #expect(a.1 < b.0) }
    }

    @Test("deleting more than a fifth of a segment rewrites it without them")
    func deletions() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try IndexWriter(folder: dir)
        var live: [Int64: String] = [:]
        for id in Int64(1)...1000 { live[id] = "passage \(id) text" }
        var texts = live
        _ = try writer.sync(live: Set(live.keys), passages: { ids in
            ids.map { IndexWriter.Passage(id: $0, document: Int($0 / 100), text: texts[$0]!) }
        })
        for id in Int64(1)...100 { live[id] = nil }
        texts = live
        let small = try writer.sync(live: Set(live.keys)) { ids in ids.map { ($0, texts[$0]!) } }
        #expect(!small.merged)
        #expect(try Manifest.read(in: dir).segments[0].deleted.count == 100)
        for id in Int64(101)...300 { live[id] = nil }
        texts = live
        let large = try writer.sync(live: Set(live.keys)) { ids in ids.map { ($0, texts[$0]!) } }
        #expect(large.merged)
        let manifest = try Manifest.read(in: dir)
        #expect(manifest.segments.count == 1 && manifest.segments[0].deleted.isEmpty && manifest.segments[0].passages == 700)
        let snapshot = try IndexSnapshot(folder: dir)
        #expect(snapshot.passageCount == 700)
        // The rewritten segment keeps each passage's document.
        #expect(snapshot.document(ofPassage: 301) == 3 && snapshot.document(ofPassage: 1000) == 10 && snapshot.document(ofPassage: 5) == nil)
    }

    @Test("a server's snapshot is reused until a commit replaces the manifest, and the old one stays readable")
    func currentSnapshot() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try IndexWriter(folder: dir)
        var texts: [Int64: String] = [1: "ivory seizure", 2: "pangolin scales"]
        _ = try writer.sync(live: Set(texts.keys)) { ids in ids.map { ($0, texts[$0]!) } }
        let first = try IndexSnapshot.current(folder: dir)
        #expect(try IndexSnapshot.current(folder: dir) === first)
        texts[3] = "rosewood logs"
        texts[1] = nil
        _ = try writer.sync(live: Set(texts.keys)) { ids in ids.map { ($0, texts[$0]!) } }
        let second = try IndexSnapshot.current(folder: dir)
        #expect(second !== first)
        #expect(second.passageCount == 2 && first.passageCount == 2)
        #expect(first.segments[0].lookup(Array("ivori".utf8)) != nil)
        #expect(second.length(ofPassage: 1) == nil && first.length(ofPassage: 1) == 2)
    }

    @Test("merging segments whose passage ids interleave re-sorts the passages and keeps every posting")
    func interleavedMerge() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try IndexWriter(folder: dir)
        var odd = SegmentWriter(), even = SegmentWriter()
        for id in Int64(1)...40 {
            let text = "ivory \(id % 2 == 0 ? "pangolin" : "rhino horn") number\(id)"
            if id % 2 == 0 { even.add(id: id, document: Int(id), text: text) } else { odd.add(id: id, document: Int(id), text: text) }
        }
        try odd.write(to: writer.segmentURL("a"))
        try even.write(to: writer.segmentURL("b"))
        let merged = try writer.merge([Manifest.Segment(name: "a", passages: 20, tokens: odd.tokens, deleted: [3]),
                                       Manifest.Segment(name: "b", passages: 20, tokens: even.tokens, deleted: [])], into: "c")
        #expect(merged.passages == 39)
        let reader = try SegmentReader(url: writer.segmentURL("c"))
        #expect(reader.passageIDs == (1...40).filter { $0 != 3 })
        #expect(reader.document(reader.local(of: 40)!) == 40)
        var ivory: [Int] = [], rhino: [(Int, [UInt32])] = []
        reader.forEachFrequency(try #require(reader.lookup(Array("ivori".utf8)))) { local, _ in ivory.append(local) }
        reader.forEachPosting(try #require(reader.lookup(Array("rhino".utf8)))) { rhino.append(($0, $1)) }
        #expect(ivory == Array(0..<39))
        #expect(rhino.map { reader.passageID($0.0) } == (1...40).filter { $0 % 2 == 1 && $0 != 3 })
        #expect(rhino.allSatisfy { $0.1 == [1] })
    }

    @Test("an index written in segment format 1 is rebuilt by the next sync")
    func upgrade() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let writer = try IndexWriter(folder: dir)
        let texts: [Int64: String] = [1: "ivory seizure", 2: "pangolin scales"]
        _ = try writer.sync(live: Set(texts.keys)) { ids in ids.map { ($0, texts[$0]!) } }
        let name = try Manifest.read(in: dir).segments[0].name
        let url = dir.appendingPathComponent("segments/\(name).seg")
        var bytes = try Data(contentsOf: url)
        bytes.replaceSubrange(0..<8, with: Array("DOSSEG01".utf8))
        try bytes.write(to: url)
        #expect(throws: DossierError.self) { try IndexSnapshot(folder: dir) }
        let summary = try writer.sync(live: Set(texts.keys)) { ids in ids.map { ($0, texts[$0]!) } }
        #expect(summary.added == 2)
        #expect(try IndexSnapshot(folder: dir).passageCount == 2)
    }
}

@Suite("Term namespaces")
struct TermNamespaceTests {
    @Test("a segment of one language answers a lookup of another language's term without searching its dictionary, and finds its own")
    func lookupsByLanguage() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Large enough for no term filter: only the namespaces can say "absent" before the dictionary.
        var passages: [IndexWriter.Passage] = []
        for i in 1...1500 {
            let french = i % 3 == 0
            passages.append(IndexWriter.Passage(id: Int64(i), document: i / 10, text: french ? "espèces menacées d'extinction \(i)" : "endangered species trade \(i)",
                                                language: french ? .french : nil))
        }
        _ = try IndexWriter(folder: dir).sync(live: Set(passages.map(\.id))) { ids in passages.filter { ids.contains($0.id) } }
        let snapshot = try IndexSnapshot(folder: dir)
        let languages = snapshot.manifest.segments.map(\.language)
        #expect(Set(languages) == ["en", "fr"])
        for (reader, language) in zip(snapshot.segments, languages) {
            #expect((reader.lookup("\u{1F}frmenac") != nil) == (language == "fr"))
            #expect((reader.lookup("speci") != nil) == (language == "en"))
            #expect(reader.lookup("\u{1F}esespeci") == nil)
            #expect(reader.lookup(prefix: Array("\u{1F}frmen".utf8)).isEmpty == (language != "fr"))
            #expect(reader.lookup(prefix: Array("endang".utf8)).isEmpty == (language != "en"))
            func holds(_ term: String, prefix: Bool) -> Bool { Array(term.utf8).withUnsafeBufferPointer { reader.holds($0, prefix: prefix) } }
            #expect(holds("\u{1F}frmenac", prefix: false) == (language == "fr") && holds("\u{1F}frmen", prefix: true) == (language == "fr"))
            #expect(holds("endan", prefix: true) == (language == "en") && !holds("endan", prefix: false) && !holds("zzz", prefix: true))
            #expect(reader.mayHold("\u{1F}frmenac") == (language == "fr") && reader.mayHold("speci") == (language == "en"))
            // The same file opened without its manifest entry finds the same terms by its dictionary.
            let plain = try SegmentReader(url: dir.appendingPathComponent("segments/\(reader.name).seg"))
            #expect((plain.lookup("\u{1F}frmenac") != nil) == (language == "fr") && (plain.lookup("speci") != nil) == (language == "en"))
        }
        // A segment of several languages (or from before languages) may hold English terms and each of its languages'.
        let mixed = SegmentReader.TermNamespaces(language: nil, languages: ["fr", "de"])
        let old = SegmentReader.TermNamespaces(language: nil, languages: nil)
        func holds(_ n: SegmentReader.TermNamespaces, _ term: String) -> Bool {
            Array(term.utf8).withUnsafeBufferPointer { n.mayHold($0) }
        }
        #expect(holds(mixed, "speci") && holds(mixed, "\u{1F}frmenac") && holds(mixed, "\u{1F}debedroht") && !holds(mixed, "\u{1F}esespeci"))
        #expect(holds(old, "speci") && !holds(old, "\u{1F}frmenac"))
    }
}
