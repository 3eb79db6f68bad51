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
    private let lock = NSLock()
    private var current: State = .idle

    /// A runner of `run`; `lastReport` tells the update page what ran without it.
    public init(_ run: @escaping Run, lastReport: LastReport? = nil) {
        self.run = run
        self.lastReport = lastReport
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
