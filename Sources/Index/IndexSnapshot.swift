import DossierCore
import Foundation

/// One committed generation of the index, opened for reading: its segments
/// (memory-mapped), their deletions, and exact statistics over the live
/// passages. Nothing a later commit does changes what a snapshot sees.
public final class IndexSnapshot: @unchecked Sendable {
    /// The generation.
    public let manifest: Manifest
    /// Open segments, in manifest order.
    public let segments: [SegmentReader]
    /// Per segment, the deleted local passage numbers.
    public let deleted: [Set<Int>]
    /// Live passages.
    public let passageCount: Int
    /// Tokens in live passages.
    public let tokenCount: UInt64

    /// Opens the generation committed in `folder` (an empty index if none).
    public convenience init(folder: URL) throws {
        var lastError: Error?
        // A commit may retire a segment between reading the manifest and opening
        // it; reading the manifest again then finds the new generation.
        for _ in 0..<3 {
            let manifest = try Manifest.read(in: folder)
            do {
                let readers = try manifest.segments.map {
                    try SegmentReader(url: folder.appendingPathComponent("segments/\($0.name).seg"))
                }
                self.init(manifest: manifest, segments: readers)
                return
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    init(manifest: Manifest, segments: [SegmentReader]) {
        self.manifest = manifest
        self.segments = segments
        var deleted: [Set<Int>] = []
        var passages = 0
        var tokens: UInt64 = 0
        for (reader, entry) in zip(segments, manifest.segments) {
            var locals = Set<Int>()
            let ids = reader.passageIDs
            for id in entry.deleted {
                if let local = Self.binarySearch(ids, id) { locals.insert(local) }
            }
            var segmentTokens = reader.tokenCount
            for local in locals { segmentTokens -= UInt64(reader.length(local)) }
            deleted.append(locals)
            passages += reader.count - locals.count
            tokens += segmentTokens
        }
        self.deleted = deleted
        passageCount = passages
        tokenCount = tokens
    }

    static func binarySearch(_ ids: [Int64], _ id: Int64) -> Int? {
        var lo = 0, hi = ids.count - 1
        while lo <= hi {
            let mid = (lo + hi) / 2
            if ids[mid] < id { lo = mid + 1 } else if ids[mid] > id { hi = mid - 1 } else { return mid }
        }
        return nil
    }

    /// The length in tokens of a live passage, if the index holds it.
    public func length(ofPassage id: Int64) -> Int? {
        for (s, reader) in segments.enumerated() {
            let count = reader.count
            guard count > 0, reader.passageID(0) <= id, reader.passageID(count - 1) >= id else { continue }
            var lo = 0, hi = count - 1
            while lo <= hi {
                let mid = (lo + hi) / 2
                let value = reader.passageID(mid)
                if value < id { lo = mid + 1 } else if value > id { hi = mid - 1 } else {
                    return deleted[s].contains(mid) ? nil : reader.length(mid)
                }
            }
        }
        return nil
    }

    /// Ids of every live passage.
    public func livePassageIDs() -> Set<Int64> {
        var out = Set<Int64>()
        for (s, reader) in segments.enumerated() {
            for local in 0..<reader.count where !deleted[s].contains(local) { out.insert(reader.passageID(local)) }
        }
        return out
    }

    /// Live document frequency of every term: the index's vocabulary.
    public func vocabulary() -> [String: Int] {
        var out: [String: Int] = [:]
        for (s, reader) in segments.enumerated() {
            for entry in reader.terms() {
                var df = entry.documentFrequency
                if !deleted[s].isEmpty {
                    df = 0
                    reader.forEachPosting(entry) { local, _ in if !deleted[s].contains(local) { df += 1 } }
                }
                if df > 0 { out[String(decoding: entry.term, as: UTF8.self), default: 0] += df }
            }
        }
        return out
    }
}
