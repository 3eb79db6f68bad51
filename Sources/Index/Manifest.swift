import DossierCore
import Foundation

/// # Manifest format (version 1)
///
/// `index/manifest.json` names the segments of the committed generation and
/// the passages deleted from each. It is the index's only mutable file and is
/// replaced atomically (written to a temporary file, fsynced, renamed over
/// the old one, folder fsynced): a commit is that rename. A reader reads the
/// manifest once and then sees that generation for its whole query, since
/// segment files are immutable and a segment retired by a commit is deleted
/// only by the commit after (readers of the previous generation keep it).
///
/// ```json
/// { "format": 1,
///   "generation": 7,                       // +1 per commit
///   "next_segment": 12,                    // number for the next segment's name
///   "segments": [ { "name": "seg-000011",  // index/segments/seg-000011.seg
///                   "passages": 812, "tokens": 120344,
///                   "languages": ["fr"],   // analyses besides English (absent: English only)
///                   "language": "fr",      // its one analysis (the writer keeps one per segment)
///                   "deleted": [4711, 4712] } ],   // passage ids, ascending
///   "retired": ["seg-000009"],             // dropped by this commit; deleted by the next
///   "committed_at": "2026-11-29T17:30:00Z" }
/// ```
public struct Manifest: Codable, Sendable, Equatable {
    /// One live segment.
    public struct Segment: Codable, Sendable, Equatable {
        /// File name without `.seg`.
        public var name: String
        /// Passages written in it.
        public var passages: Int
        /// Tokens written in it.
        public var tokens: UInt64
        /// Passage ids deleted since, ascending.
        public var deleted: [Int64]
        /// The languages besides English its passages were analyzed in
        /// (``Analysis/Analyzer``): their terms are in their languages'
        /// namespaces, and a query asks for each word's form in each.
        /// Nil (a segment written before languages) for English only.
        public var languages: [String]?
        /// The one language every passage of it was analyzed in (`en` for
        /// English), as the writer makes segments and merges them: nil for a
        /// segment of several. A word has at most one form in such a segment.
        public var language: String?

        /// What its passages were analyzed in: its language, `en` for a
        /// segment of English alone written before languages, else the
        /// languages it mixes.
        public var analysis: String {
            if let language { return language }
            guard let languages else { return "en" }
            return "mixed:" + languages.joined(separator: ",")
        }
    }

    /// Format version.
    public var format = 1
    /// Generation number, +1 per commit.
    public var generation = 0
    /// Number for the next segment's name.
    public var nextSegment = 1
    /// Live segments.
    public var segments: [Segment] = []
    /// Segments dropped by this commit, deleted by the next.
    public var retired: [String] = []
    /// When this generation was committed.
    public var committedAt: String?

    /// An empty index.
    public init() {}

    /// The languages besides English of every live segment, sorted: those
    /// a query is analyzed in (``Analysis/Language`` codes).
    public var languages: [String] {
        Array(Set(segments.flatMap { $0.languages ?? [] })).sorted()
    }

    /// Whether every segment holds passages of one analysis: then a word
    /// of several forms stands for at most one term in each segment.
    public var segmentsOfOneLanguage: Bool {
        segments.allSatisfy { $0.language != nil || $0.languages == nil }
    }

    init(segments: [Segment]) { self.segments = segments }

    static func coder() -> (JSONEncoder, JSONDecoder) {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (encoder, decoder)
    }

    /// Reads the manifest in `folder`; an empty index when there is none.
    public static func read(in folder: URL) throws -> Manifest {
        let url = folder.appendingPathComponent("manifest.json")
        guard FileManager.default.fileExists(atPath: url.path) else { return Manifest() }
        do {
            let manifest = try coder().1.decode(Manifest.self, from: Data(contentsOf: url))
            guard manifest.format == 1 else {
                throw DossierError.io(path: url.path, reason: "index format \(manifest.format) is newer than this build's; upgrade dossier or run `dossier index --rebuild`")
            }
            return manifest
        } catch let error as DossierError {
            throw error
        } catch {
            throw DossierError.io(path: url.path, reason: "unreadable index manifest (\(error.localizedDescription)); run `dossier index --rebuild`")
        }
    }

    /// Commits this manifest: the atomic replacement of `manifest.json`.
    public func write(in folder: URL) throws {
        try AtomicFile.write(try Self.coder().0.encode(self), to: folder.appendingPathComponent("manifest.json"))
    }
}
