import Foundation

/// Runs an update for the web's "Update now", one at a time, in the
/// background: the page that asked for it is answered at once and shows
/// the update's progress and its report when it ends.
///
/// The update itself is the caller's (`dossier serve` passes
/// `Pipeline.update`), so that this module links neither the fetcher's
/// nor the extractor's libraries.
public final class UpdateRunner: @unchecked Sendable {
    /// Runs one update; returns the lines of its report.
    public typealias Run = @Sendable () async throws -> [String]
    /// The newest report of an update on disk, whoever ran it (`dossier
    /// update` in a terminal, the schedule): when it was written and its lines.
    public typealias LastReport = @Sendable () -> (at: Date, lines: [String])?

    /// What the runner is doing.
    public enum State: Sendable, Equatable {
        /// No update since the server started.
        case idle
        /// An update started at this time is running.
        case running(since: Date)
        /// The last update ended at this time with these report lines.
        case finished(at: Date, lines: [String])
        /// The last update failed at this time with this message.
        case failed(at: Date, message: String)
    }

    private let run: Run
    /// See ``LastReport``.
    let lastReport: LastReport?
    /// What the running update is doing, as its runner tells it.
    let progress: UpdateProgress?
    private let lock = NSLock()
    private var current: State = .idle

    /// A runner of `run`; `lastReport` tells the update page what ran without it.
    public init(_ run: @escaping Run, lastReport: LastReport? = nil, progress: UpdateProgress? = nil) {
        self.run = run
        self.lastReport = lastReport
        self.progress = progress
    }

    /// The state now.
    public var state: State {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Starts an update unless one is running; whether it started.
    @discardableResult
    public func start() -> Bool {
        lock.lock()
        if case .running = current {
            lock.unlock()
            return false
        }
        current = .running(since: Date())
        lock.unlock()
        progress?.line = nil
        let run = self.run
        Task.detached { [self] in
            let outcome: State
            do {
                outcome = .finished(at: Date(), lines: try await run())
            } catch {
                outcome = .failed(at: Date(), message: String(describing: error).split(separator: "\n").first.map(String.init) ?? "failed")
            }
            finish(outcome)
        }
        return true
    }

    private func finish(_ outcome: State) {
        lock.withLock { current = outcome }
    }
}

/// The line an update running in the server gives of what it is doing
/// ("extracting 120 of 5,486 documents…"), for the update page; set by the
/// update's runner (`dossier serve` turns the pipeline's events into it).
public final class UpdateProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var current: String?

    public init() {}

    /// What the update is doing now; nil between stages.
    public var line: String? {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}
