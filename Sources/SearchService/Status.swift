import Catalog
import DossierCore
import Foundation
import Index

/// What a workspace holds and what needs attention: `dossier status`, its
/// `--json`, and the assistant's `status` tool tell the same figures.
public struct WorkspaceStatus: Codable, Sendable {
    /// The workspace folder.
    public var workspace: String
    /// Counts of notes, links, documents, pages and passages; documents
    /// that failed or need OCR.
    public var catalog: CatalogStatus
    /// Cited URLs by fetch state (`ok`, `dead`, `not_modified`…).
    public var urls: [String: Int]
    /// The committed index generation.
    public var index: IndexStatus
    /// Bytes on disk: fetched `files`, `library`, the `index` folder, and
    /// in it the `catalog` (database and log) and the `segments`; the
    /// extracted `text` (UTF-8, each page once) and `text_stored`, what it
    /// takes in the catalog (compressed).
    public var bytes: [String: Int64]
    /// Scanned pages: read by OCR, waiting, failed.
    public var ocr: OCRCounts

    /// The committed generation of the index.
    public struct IndexStatus: Codable, Sendable {
        public var generation: Int
        public var segments: Int
        public var passages: Int
        public var terms: Int
        /// When it was committed (ISO 8601): when the index last changed.
        @JSONNullable public var committedAt: String?
        /// Set when the index cannot be read as it is (the next `dossier index` rebuilds it).
        @JSONNullable public var problem: String?
    }

    /// The status of `workspace` as its catalog and index stand now.
    public static func read(_ workspace: Workspace, _ catalog: CatalogStore) throws -> WorkspaceStatus {
        let status = try catalog.status()
        var urls: [String: Int] = [:]
        for state in try catalog.urlStates() where state.cited { urls[state.status.rawValue, default: 0] += 1 }
        var index: IndexStatus
        do {
            let snapshot = try IndexSnapshot.current(folder: workspace.index)
            index = IndexStatus(generation: snapshot.manifest.generation, segments: snapshot.segments.count,
                                passages: snapshot.passageCount, terms: snapshot.distinctTermCount(),
                                committedAt: snapshot.manifest.committedAt)
        } catch DossierError.indexFormat(let message) {
            let manifest = try Manifest.read(in: workspace.index)
            index = IndexStatus(generation: manifest.generation, segments: manifest.segments.count, passages: 0, terms: 0,
                                committedAt: manifest.committedAt, problem: message)
        }
        if index.problem == nil, let recorded = try catalog.indexGeneration(), recorded != index.generation {
            index.problem = index.generation == recorded + 1
                ? "an update was killed after committing the index (generation \(index.generation)); the next update finishes it"
                : "the index (generation \(index.generation)) is not the catalog's (generation \(recorded)); the next update brings it in step"
        }
        let text = try catalog.textBytes()
        let bytes: [String: Int64] = [
            "files": ByteCount.total(in: workspace.files),
            "library": ByteCount.total(in: workspace.library),
            "index": ByteCount.total(in: workspace.index),
            "catalog": catalog.catalogBytes(),
            "segments": ByteCount.total(in: workspace.index.appendingPathComponent("segments")),
            "text": text.text,
            "text_stored": text.stored,
        ]
        return WorkspaceStatus(workspace: workspace.root.path, catalog: status, urls: urls, index: index, bytes: bytes,
                               ocr: try catalog.ocrCounts())
    }
}
