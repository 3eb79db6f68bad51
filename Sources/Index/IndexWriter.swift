import Analysis
import DossierCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Brings the index in `index/` up to date with a set of passages and commits
/// a new generation.
///
/// One writer at a time: the writer holds `index/write.lock` with `flock`
/// for as long as it lives. A commit writes the new segment (if passages were
/// added), records deletions in the manifest, merges segments by the tiered
/// policy below, and then replaces the manifest atomically. A process killed
/// before that rename leaves the previous generation intact; a segment file
/// it had written is unreferenced and is removed by the next commit.
///
/// **Analysis runs on every core**: the passages to add are grouped by
/// language (one segment each), each group cut into consecutive runs, one
/// ``SegmentWriter`` per run, all runs filled in one parallel phase; each
/// group's writers then serialize into its segment. The segment files are
/// fsynced one by one and their folder once, before the manifest names them.
///
/// **Tiered merging** keeps the number of segments logarithmic in the size of
/// the index, so that searches do not slow down as nightly updates add small
/// segments: segments fall in tiers by live passages (tier t holds fewer than
/// `mergeFactor^(t+1) × 64`), and whenever `mergeFactor` adjacent segments sit
/// in the same tier they are merged into one, which lands in a higher tier.
/// A segment with more than a fifth of its passages deleted is rewritten
/// without them. Only adjacent segments are merged, so passage ids stay in
/// ascending ranges from one segment to the next (the catalog never reuses
/// an id), which lets a merge concatenate postings instead of re-sorting them.
public final class IndexWriter {
    /// The index folder.
    public let folder: URL
    let lockDescriptor: Int32
    /// Adjacent segments of one tier that trigger a merge.
    public var mergeFactor = 4
    /// Passages analyzed in memory before a segment is cut (bounds memory).
    public var passagesPerSegment = 200_000
    /// Threads analyzing passages.
    public var threads = max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))

    /// Opens the index in `folder` for writing, waiting for any other writer
    /// unless `wait` is false, in which case it fails at once.
    public init(folder: URL, wait: Bool = true) throws {
        self.folder = folder
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("segments"), withIntermediateDirectories: true)
        let lockPath = folder.appendingPathComponent("write.lock").path
        lockDescriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockDescriptor >= 0 else { throw DossierError.io(path: lockPath, reason: String(cString: strerror(errno))) }
        if flock(lockDescriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            close(lockDescriptor)
            throw DossierError.workspace("another dossier process is updating this index; try again when it has finished")
        }
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    /// What a commit did.
    public struct CommitSummary: Sendable, Equatable {
        /// The new generation (unchanged if there was nothing to do).
        public var generation: Int
        /// Passages added.
        public var added: Int
        /// Passages deleted.
        public var deleted: Int
        /// Whether segments were merged.
        public var merged: Bool
        /// Why the whole index was written again from `live`, if it was: its
        /// segments were of a format this version reads but no longer writes.
        public var rebuilt: String?
        /// Bytes of passage text analyzed.
        public var textBytes = 0
        /// Seconds spent reading the passages' text from `text`.
        public var readSeconds = 0.0
        /// Seconds from text in memory to the committed generation:
        /// analysis, segment files, merges, manifest (comparable to an
        /// engine indexing in-memory strings).
        public var buildSeconds = 0.0
    }

    /// A passage to index: its id, its catalog document, its text.
    public struct Passage: Sendable {
        /// The passage's id (the catalog's rowid).
        public var id: Int64
        /// The catalog document it belongs to.
        public var document: Int
        /// Its text.
        public var text: String
        /// The language its text is analyzed in (nil: English).
        public var language: Language?

        /// A passage.
        public init(id: Int64, document: Int, text: String, language: Language? = nil) {
            self.id = id
            self.document = document
            self.text = text
            self.language = language
        }
    }

    /// ``sync(live:passages:)`` for passages that belong to no document (tests, tools).
    public func sync(live: Set<Int64>, text: ([Int64]) throws -> [(Int64, String)]) throws -> CommitSummary {
        try sync(live: live, passages: { ids in try text(ids).map { Passage(id: $0.0, document: 0, text: $0.1) } })
    }

    /// Makes the index hold exactly the passages `live` names: those not yet
    /// indexed are read with `text(ids)` and added in new segments, those
    /// indexed but no longer live are deleted. Commits a generation if
    /// anything changed. An index in a format this version no longer reads
    /// is replaced by one built from `live`.
    public func sync(live: Set<Int64>, passages text: ([Int64]) throws -> [Passage]) throws -> CommitSummary {
        var manifest = try Manifest.read(in: folder)
        var retired: [String] = []
        var snapshot: IndexSnapshot
        var rebuilt: String?
        do {
            snapshot = try IndexSnapshot(folder: folder)
        } catch DossierError.indexFormat(let message) {
            rebuilt = message
            retired = manifest.segments.map(\.name)
            manifest.segments = []
            snapshot = IndexSnapshot(manifest: manifest, segments: [])
        }
        // Segments without a lexicon (format 6) are written again, all of
        // them: counts from some segments only would tell languages wrong.
        if snapshot.segments.contains(where: { !$0.hasLexicon }) {
            rebuilt = "its segments were written by an earlier Dossier, without the counts of words as written that tell a query's language"
            retired = manifest.segments.map(\.name)
            manifest.segments = []
            snapshot = IndexSnapshot(manifest: manifest, segments: [])
        }
        let indexed = snapshot.livePassageIDs()
        let toAdd = live.subtracting(indexed).sorted()
        let toDelete = indexed.subtracting(live)
        guard !toAdd.isEmpty || !toDelete.isEmpty || !retired.isEmpty else {
            cleanUp(keeping: Set(manifest.segments.map(\.name) + manifest.retired), alsoDelete: [])
            return CommitSummary(generation: manifest.generation, added: 0, deleted: 0, merged: false)
        }
        // Deletions go to the segment holding each passage.
        if !toDelete.isEmpty {
            for (s, reader) in snapshot.segments.enumerated() {
                let hits = toDelete.filter { reader.local(of: $0) != nil }
                if !hits.isEmpty { manifest.segments[s].deleted = (manifest.segments[s].deleted + hits).sorted() }
            }
        }
        retired += manifest.segments.filter { $0.deleted.count >= $0.passages }.map(\.name)
        manifest.segments.removeAll { $0.deleted.count >= $0.passages }
        var textBytes = 0
        var readSeconds = 0.0
        let began = DispatchTime.now()
        var start = 0
        while start < toAdd.count {
            let batch = Array(toAdd[start..<min(toAdd.count, start + passagesPerSegment)])
            start += batch.count
            let reading = DispatchTime.now()
            let batchPassages = try text(batch).sorted(by: { $0.id < $1.id })
            readSeconds += Self.seconds(since: reading)
            for passage in batchPassages { textBytes += passage.text.utf8.count }
            // One segment per language: a word has one form in each segment,
            // and searches take a single term's paths (Manifest.Segment.language).
            // (One pass; the code is looked up again only where the language
            // changes from one passage to the next.)
            var groupOf: [String: Int] = [:]
            var codeOf: [String] = []
            var analysisOf: [String: String] = [:]
            var groupOfPassage = [Int32](repeating: 0, count: batchPassages.count)
            var previous: Language?? = .none
            var current = -1
            for (k, passage) in batchPassages.enumerated() {
                if previous == nil || previous! != passage.language {
                    previous = .some(passage.language)
                    let told = passage.language?.code ?? "en"
                    let code = analysisOf[told] ?? Self.code(passage.language)
                    analysisOf[told] = code
                    if let known = groupOf[code] {
                        current = known
                    } else {
                        current = codeOf.count
                        groupOf[code] = current
                        codeOf.append(code)
                    }
                }
                groupOfPassage[k] = Int32(current)
            }
            // A batch in one language is its one group, not copied.
            var passagesOf: [[Passage]] = codeOf.count == 1 ? [batchPassages] : Array(repeating: [], count: codeOf.count)
            if codeOf.count > 1 {
                for (k, passage) in batchPassages.enumerated() { passagesOf[Int(groupOfPassage[k])].append(passage) }
            }
            // Segments in order of their codes.
            let sorted = codeOf.indices.sorted { codeOf[$0] < codeOf[$1] }
            let languages = sorted.map { codeOf[$0] }
            let groups = sorted.map { passagesOf[$0] }
            let names = languages.map { _ in
                defer { manifest.nextSegment += 1 }
                return String(format: "seg-%06d", manifest.nextSegment)
            }
            // Every language's passages are analyzed in one parallel phase
            // (a large language cut into a run per thread, each small one a
            // run of its own), so that the small segments fill the gaps of
            // the large one rather than wait for it; then each segment large
            // enough to split is serialized on every thread.
            let writersOf = Self.analyze(groups, threads: threads)
            let large = languages.indices.filter { groups[$0].count >= 512 }
            let small = languages.indices.filter { groups[$0].count < 512 }
            // The small ones are written beside the large ones, on a thread of
            // their own: a large segment's vocabulary merge, dictionary and
            // fsync run on one thread, and leave the other core idle.
            let urls = names.map(segmentURL)
            // (A thread made for them, not one of a pool that the large
            // ones' threads may fill.)
            let smallWrites = ParallelResults(count: small.count)
            let done = DispatchSemaphore(value: 0)
            let writer = Thread {
                for (j, i) in small.enumerated() {
                    smallWrites.set(j, Result { try SegmentWriter.write(writersOf[i], threads: 1, to: urls[i]) })
                }
                done.signal()
            }
            if small.isEmpty { done.signal() } else { writer.start() }
            var largeError: (any Error)?
            for i in large where largeError == nil {
                do { try SegmentWriter.write(writersOf[i], threads: threads, to: urls[i]) } catch { largeError = error }
            }
            done.wait()
            if let largeError { throw largeError }
            try smallWrites.check()
            let built = writersOf.map { writers in (passages: writers.reduce(0) { $0 + $1.count }, tokens: writers.reduce(0) { $0 + $1.tokens }) }
            for (i, code) in languages.enumerated() {
                manifest.segments.append(Manifest.Segment(name: names[i], passages: built[i].passages, tokens: built[i].tokens, deleted: [],
                                                          languages: code == "en" ? nil : [code], language: code))
            }
        }
        let merged = try mergeTiers(&manifest, retired: &retired)
        // The new segments' names, made durable once, before the manifest names them.
        AtomicFile.syncDirectory(folder.appendingPathComponent("segments"))
        let previouslyRetired = manifest.retired
        manifest.retired = retired
        manifest.generation += 1
        manifest.committedAt = Date().formatted(Date.ISO8601FormatStyle())
        try manifest.write(in: folder)
        cleanUp(keeping: Set(manifest.segments.map(\.name) + retired), alsoDelete: previouslyRetired)
        return CommitSummary(generation: manifest.generation, added: toAdd.count, deleted: toDelete.count, merged: merged, rebuilt: rebuilt,
                             textBytes: textBytes, readSeconds: readSeconds, buildSeconds: Self.seconds(since: began) - readSeconds)
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    /// Analyzes each group of passages (each ascending by id) on `threads`
    /// threads at once: a group of 512 passages or more in a consecutive run
    /// per thread, a smaller one in one run; the runs are taken largest first.
    /// Returns each group's writers, in the order of its runs.
    static func analyze(_ groups: [[Passage]], threads: Int) -> [[SegmentWriter]] {
        var runs: [(group: Int, range: Range<Int>)] = []
        for (g, passages) in groups.enumerated() {
            let parts = passages.count < 512 ? 1 : max(1, threads)
            let size = (passages.count + parts - 1) / parts
            for part in 0..<parts where part * size < passages.count {
                runs.append((g, part * size..<min(passages.count, (part + 1) * size)))
            }
        }
        let order = runs.indices.sorted { runs[$0].range.count > runs[$1].range.count }
        let (runsDone, groupsDone) = (runs, groups)
        let made = parallelMap(order.count) { k -> SegmentWriter in
            let run = runsDone[order[k]]
            let passages = groupsDone[run.group]
            var writer = SegmentWriter()
            for i in run.range { writer.add(id: passages[i].id, document: passages[i].document, text: passages[i].text, language: passages[i].language) }
            writer.invert()
            return writer
        }
        var writers = [[SegmentWriter]](repeating: [], count: groups.count)
        var byRun = [SegmentWriter?](repeating: nil, count: runs.count)
        for (k, r) in order.enumerated() { byRun[r] = made[k] }
        for (r, run) in runs.enumerated() { writers[run.group].append(byRun[r]!) }
        return writers
    }

    func segmentURL(_ name: String) -> URL { folder.appendingPathComponent("segments/\(name).seg") }

    /// The code of the analysis of `language`: `en` for English and for none.
    static func code(_ language: Language?) -> String {
        guard let language, Analyzer(language: language).language != nil else { return "en" }
        return language.code
    }

    /// The tier of a segment with `live` passages.
    func tier(_ live: Int) -> Int {
        var t = 0
        var limit = 64 * mergeFactor
        while live >= limit, t < 30 {
            t += 1
            limit *= mergeFactor
        }
        return t
    }

    /// Applies the tiered policy until it asks for nothing; returns whether anything merged.
    func mergeTiers(_ manifest: inout Manifest, retired: inout [String]) throws -> Bool {
        var merged = false
        while true {
            let segments = manifest.segments
            let live = segments.map { $0.passages - $0.deleted.count }
            var run: [Int]?
            // A segment with too many deletions is rewritten alone.
            if let s = segments.indices.first(where: { segments[$0].deleted.count * 5 > segments[$0].passages }) {
                run = [s]
            } else {
                // Segments of one analysis only (one language, or a segment
                // of several written before segments were per language),
                // in manifest order, runs of one tier.
                let groups = Dictionary(grouping: segments.indices) { segments[$0].analysis }
                for key in groups.keys.sorted() where run == nil {
                    let members = groups[key]!
                    var i = 0
                    while i < members.count, run == nil {
                        var j = i
                        while j < members.count, tier(live[members[j]]) == tier(live[members[i]]) { j += 1 }
                        if j - i >= mergeFactor { run = Array(members[i..<(i + mergeFactor)]) }
                        i = j
                    }
                }
            }
            guard let chosen = run else { return merged }
            let name = String(format: "seg-%06d", manifest.nextSegment)
            manifest.nextSegment += 1
            let segment = try merge(chosen.map { segments[$0] }, into: name)
            retired += chosen.map { segments[$0].name }
            // The merged segment takes the place of the first it replaces.
            var rebuilt: [Manifest.Segment] = []
            for (s, entry) in segments.enumerated() {
                if s == chosen[0], segment.passages > 0 { rebuilt.append(segment) }
                if !chosen.contains(s) { rebuilt.append(entry) }
            }
            manifest.segments = rebuilt
            merged = true
        }
    }

    /// Writes one segment holding the live passages of `segments` (adjacent,
    /// in manifest order): each is read back into a writer, without its deleted
    /// passages, and the writers serialize as one.
    func merge(_ segments: [Manifest.Segment], into name: String) throws -> Manifest.Segment {
        var writers: [SegmentWriter] = []
        for entry in segments {
            let reader = try SegmentReader(url: segmentURL(entry.name))
            let snapshot = IndexSnapshot(manifest: Manifest(segments: [entry]), segments: [reader])
            writers.append(SegmentWriter(reading: reader, deleted: snapshot.deleted[0]))
        }
        writers.removeAll { $0.count == 0 }
        // Ranges ascend from one segment to the next unless the catalog's ids
        // were reset; then the passages are re-sorted one by one.
        var ascending = true
        for (a, b) in zip(writers, writers.dropFirst()) where a.ids.last! >= b.ids.first! { ascending = false }
        if !ascending { writers = [SegmentWriter(resorting: writers)] }
        let passages = writers.reduce(0) { $0 + $1.count }
        if passages > 0 { try SegmentWriter.write(writers, threads: threads, to: segmentURL(name)) }
        let languages = Set(segments.flatMap { $0.languages ?? [] }).sorted()
        let one = Set(segments.map(\.analysis))
        return Manifest.Segment(name: name, passages: passages, tokens: writers.reduce(0) { $0 + $1.tokens }, deleted: [],
                                languages: languages.isEmpty ? nil : languages, language: one.count == 1 ? segments[0].language : nil)
    }

    /// Removes segment files no generation a reader may hold still names, and
    /// temporary files a killed writer left.
    func cleanUp(keeping: Set<String>, alsoDelete: [String]) {
        // A manifest a killed writer was writing.
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where file.hasPrefix(".manifest.json.tmp-") {
            unlink(folder.appendingPathComponent(file).path)
        }
        let segments = folder.appendingPathComponent("segments")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: segments.path) else { return }
        for file in names {
            let base = file.hasSuffix(".seg") ? String(file.dropLast(4)) : nil
            let isTemporary = file.hasPrefix(".") && file.contains(".tmp-")
            if isTemporary || (base.map { !keeping.contains($0) } ?? false) || (base.map { alsoDelete.contains($0) && !keeping.contains($0) } ?? false) {
                unlink(segments.appendingPathComponent(file).path)
            }
        }
    }
}

/// The outcomes of writes made on another thread, read once it is done.
final class ParallelResults: @unchecked Sendable {
    private var results: [Result<Void, any Error>?]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ result: Result<Void, any Error>) {
        lock.lock()
        results[i] = result
        lock.unlock()
    }

    /// Throws the first failure.
    func check() throws {
        lock.lock()
        let all = results
        lock.unlock()
        for result in all { try result?.get() }
    }
}
