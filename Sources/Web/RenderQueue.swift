import Foundation
import Hummingbird

/// Bounds the page previews drawn at once.
///
/// A search page asks for a preview per result, and each is drawn by a
/// worker process of its own: without a bound, a page of results (or a
/// script asking for previews of every page) would start as many renderers
/// as requests. At most ``limit`` draw at once; up to ``queueLimit`` more
/// wait their turn, in order; past that a request gets 503 with
/// `Retry-After` at once.
public actor RenderQueue {
    /// Previews drawn at once.
    public let limit: Int
    /// Previews that may wait.
    public let queueLimit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// A queue drawing `limit` previews at once, with `queueLimit` waiting.
    public init(limit: Int = max(1, ProcessInfo.processInfo.activeProcessorCount), queueLimit: Int = 64) {
        self.limit = limit
        self.queueLimit = queueLimit
    }

    /// Runs `work` when a place is free.
    public func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if running >= limit {
            guard waiting.count < queueLimit else {
                throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"], message: "too many previews are being drawn; try again in a moment")
            }
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        defer {
            // The place passes to the next in line, or is freed.
            if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
        }
        return try await work()
    }
}
