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
/// added), records deletions in the manifest, merges when there are too many
/// segments or too many deletions, and then replaces the manifest atomically.
/// A process killed before that rename leaves the previous generation intact;
/// a segment file it had written is unreferenced and is removed by the next
/// commit.
public final class IndexWriter {
    /// The index folder.
    public let folder: URL
    let lockDescriptor: Int32
    /// Most segments before they are merged into one.
    public var maximumSegments = 8

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
    }

    /// Makes the index hold exactly the passages `live` names: those not yet
    /// indexed are read with `text(ids)` and added in one new segment, those
    /// indexed but no longer live are deleted. Commits a generation if
    /// anything changed.
    public func sync(live: Set<Int64>, text: ([Int64]) throws -> [(Int64, String)]) throws -> CommitSummary {
        var manifest = try Manifest.read(in: folder)
        let snapshot = try IndexSnapshot(folder: folder)
        let indexed = snapshot.livePassageIDs()
        let toAdd = live.subtracting(indexed).sorted()
        let toDelete = indexed.subtracting(live)
        guard !toAdd.isEmpty || !toDelete.isEmpty else {
            cleanUp(keeping: Set(manifest.segments.map(\.name) + manifest.retired), alsoDelete: [])
            return CommitSummary(generation: manifest.generation, added: 0, deleted: 0, merged: false)
        }
        // Deletions go to the segment holding each passage.
        if !toDelete.isEmpty {
            for (s, reader) in snapshot.segments.enumerated() {
                let ids = reader.passageIDs
                let hits = toDelete.filter { IndexSnapshot.binarySearch(ids, $0) != nil }
                if !hits.isEmpty { manifest.segments[s].deleted = (manifest.segments[s].deleted + hits).sorted() }
            }
        }
        var retired = manifest.segments.filter { $0.deleted.count >= $0.passages }.map(\.name)
        manifest.segments.removeAll { $0.deleted.count >= $0.passages }
        if !toAdd.isEmpty {
            var writer = SegmentWriter()
            for (id, passage) in try text(toAdd).sorted(by: { $0.0 < $1.0 }) { writer.add(id: id, text: passage) }
            let name = String(format: "seg-%06d", manifest.nextSegment)
            manifest.nextSegment += 1
            try writer.write(to: segmentURL(name))
            manifest.segments.append(Manifest.Segment(name: name, passages: writer.count, tokens: writer.tokens, deleted: []))
        }
        var merged = false
        let deletedTotal = manifest.segments.reduce(0) { $0 + $1.deleted.count }
        let passagesTotal = manifest.segments.reduce(0) { $0 + $1.passages }
        if manifest.segments.count > maximumSegments || (passagesTotal > 0 && deletedTotal * 5 > passagesTotal) {
            retired += manifest.segments.map(\.name)
            let name = String(format: "seg-%06d", manifest.nextSegment)
            manifest.nextSegment += 1
            let segment = try merge(manifest.segments, into: name)
            manifest.segments = segment.passages > 0 ? [segment] : []
            merged = true
        }
        let previouslyRetired = manifest.retired
        manifest.retired = retired
        manifest.generation += 1
        manifest.committedAt = Date().formatted(Date.ISO8601FormatStyle())
        try manifest.write(in: folder)
        cleanUp(keeping: Set(manifest.segments.map(\.name) + retired), alsoDelete: previouslyRetired)
        return CommitSummary(generation: manifest.generation, added: toAdd.count, deleted: toDelete.count, merged: merged)
    }

    func segmentURL(_ name: String) -> URL { folder.appendingPathComponent("segments/\(name).seg") }

    /// Writes one segment holding the live passages of `segments`.
    func merge(_ segments: [Manifest.Segment], into name: String) throws -> Manifest.Segment {
        var passages: [Int64: (length: UInt32, terms: [(String, [UInt32])])] = [:]
        for entry in segments {
            let reader = try SegmentReader(url: segmentURL(entry.name))
            let deleted = Set(entry.deleted)
            var ids: [Int64] = []
            for local in 0..<reader.count {
                let id = reader.passageID(local)
                ids.append(id)
                if !deleted.contains(id) { passages[id] = (UInt32(reader.length(local)), []) }
            }
            for term in reader.terms() {
                let text = String(decoding: term.term, as: UTF8.self)
                reader.forEachPosting(term) { local, positions in
                    let id = ids[local]
                    if passages[id] != nil { passages[id]!.terms.append((text, positions)) }
                }
            }
        }
        var writer = SegmentWriter()
        for id in passages.keys.sorted() {
            let passage = passages[id]!
            writer.add(id: id, length: passage.length, terms: passage.terms)
        }
        if writer.count > 0 { try writer.write(to: segmentURL(name)) }
        return Manifest.Segment(name: name, passages: writer.count, tokens: writer.tokens, deleted: [])
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
