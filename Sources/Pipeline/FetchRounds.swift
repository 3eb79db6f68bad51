import Catalog
import DossierCore
import Fetch
import Foundation
import Notes

/// What a fetch did: counts by outcome and every URL's account.
public struct FetchReport: Encodable, Sendable {
    /// Set when no host could be resolved (the machine is offline):
    /// nothing was recorded, and no link was marked failed.
    public var offline = false
    /// Hosts tried, when offline.
    public var unresolvedHosts = 0
    /// URLs due for a check when the fetch began.
    public var due = 0
    /// URLs whose new content was stored.
    public var fetched = 0
    /// URLs whose content had not changed.
    public var unchanged = 0
    /// URLs that failed.
    public var failed = 0
    /// URLs whose site refuses downloads.
    public var blocked = 0
    /// URLs that are neither PDFs nor web pages.
    public var unsupported = 0
    /// Every URL's account, in the order they were answered.
    public var urls: [FetchResult] = []
}

extension Pipeline {
    /// Fetches every URL the notes cite for which `due` holds, records the
    /// outcomes, and follows landing pages' PDF links in further rounds.
    /// With `force`, nothing is asked conditionally.
    public func fetch(configuration: FetchConfiguration, force: Bool,
                      due: (URLState) -> Bool = { _ in true }) async throws -> FetchReport {
        let store = try ContentStore(folder: workspace.files)
        store.removeLeftovers()
        let fetcher = Fetcher(store: store, configuration: configuration)
        var report = FetchReport()
        var seen = Set<String>()
        var round = try catalog.urlsToFetch().filter(due)
        report.due = round.count
        let events = self.events
        while !round.isEmpty {
            let requests = round.map { request(for: $0, force: force) }
            seen.formUnion(requests.map(\.url))
            let results = await fetcher.fetchAll(requests) { done, total, result in
                events(.fetchProgress(done: done, total: total, url: result.url, bytes: result.status == .fetched ? result.size ?? 0 : 0))
            }
            // Offline: every URL of two or more hosts failed because no host name resolved. Recording that
            // would mark every link of the notes failed for a night without network; nothing is recorded.
            let hosts = Set(results.map { URL(string: $0.url)?.host?.lowercased() ?? $0.url })
            if report.urls.isEmpty, hosts.count >= 2, results.allSatisfy(\.unresolved) {
                report.offline = true
                report.unresolvedHosts = hosts.count
                break
            }
            var next: [String] = []
            for result in results {
                try catalog.recordFetch(Self.record(result))
                if let pdf = result.citationPDFURL, let normalized = URLNormalizer.normalize(pdf), !seen.contains(normalized) {
                    try catalog.addDerivedURL(normalized, from: result.url)
                    next.append(normalized)
                }
                switch result.status {
                case .fetched: report.fetched += 1
                case .unchanged: report.unchanged += 1
                case .failed: report.failed += 1
                case .blocked: report.blocked += 1
                case .unsupported: report.unsupported += 1
                }
                report.urls.append(result)
            }
            round = try catalog.urlsToFetch().filter { next.contains($0.url) }
        }
        events(.fetchRoundFinished)
        await fetcher.shutdown()
        return report
    }

    /// The store keeps the current content of every URL a note cites, or
    /// cited within the grace period (`graceDays`); superseded versions and
    /// expired URLs' copies go. Run after a fetch (`update`, `dossier
    /// fetch`), so that the next index sees a URL's new content as a new
    /// version of its document, not as a document beside the old one.
    public func cleanContentStore(graceDays: Double, now: Date = Date()) throws {
        let cutoff = now.addingTimeInterval(-graceDays * 86400).formatted(.iso8601)
        let expired = Set(try catalog.expiredURLs(before: cutoff).map(\.url))
        let keep = Set(try catalog.urlStates().filter { !expired.contains($0.url) }.compactMap(\.sha256))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: workspace.files.path)) ?? [] {
            guard !name.hasPrefix("."), let sha = name.split(separator: ".").first, sha.count == 64, !keep.contains(String(sha)) else { continue }
            try? FileManager.default.removeItem(at: workspace.files.appendingPathComponent(name))
        }
    }

    /// A conditional request when the stored copy is still there, else a plain one.
    private func request(for state: URLState, force: Bool) -> FetchRequest {
        let stored = state.sha256.map { sha in
            ["pdf", "html"].contains { FileManager.default.fileExists(atPath: workspace.files.appendingPathComponent("\(sha).\($0)").path) }
        } ?? false
        guard !force, stored else { return FetchRequest(url: state.url) }
        return FetchRequest(url: state.url, etag: state.etag, lastModified: state.lastModified, previousSHA256: state.sha256)
    }

    /// How the catalog records a fetch's outcome.
    static func record(_ result: FetchResult) -> FetchRecord {
        FetchRecord(
            url: result.url, status: urlStatus(result.status), httpStatus: result.httpStatus, finalURL: result.finalURL,
            etag: result.etag, lastModified: result.lastModified, contentType: result.contentType, sha256: result.sha256,
            size: result.size, kind: result.kind, error: result.error, stalled: result.stalled)
    }

    /// The catalog's status for a fetch's outcome.
    static func urlStatus(_ status: FetchStatus) -> URLStatus {
        switch status {
        case .fetched: return .fetched
        case .unchanged: return .unchanged
        case .failed: return .failed
        case .blocked: return .blocked
        case .unsupported: return .unsupported
        }
    }
}

extension FetchConfiguration {
    /// DOSSIER_BACKOFF_MS, DOSSIER_POLITENESS_MS, DOSSIER_READ_TIMEOUT_MS and
    /// DOSSIER_DEADLINE_MS shorten the waits (for tests against a local server).
    public mutating func applyEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let ms = environment["DOSSIER_BACKOFF_MS"].flatMap(Int.init) { backoff = .milliseconds(ms) }
        if let ms = environment["DOSSIER_POLITENESS_MS"].flatMap(Int.init) { politenessDelay = .milliseconds(ms) }
        if let ms = environment["DOSSIER_READ_TIMEOUT_MS"].flatMap(Int.init) { readTimeout = .milliseconds(ms) }
        if let ms = environment["DOSSIER_DEADLINE_MS"].flatMap(Int.init) { totalDeadline = .milliseconds(ms) }
    }
}
