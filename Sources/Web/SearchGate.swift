import Foundation
import Hummingbird

/// Bounds the searches a server runs: how many at once, and how long one
/// may keep its client waiting.
///
/// A search runs on a thread of its own (with a stack of its own size, so
/// that a query as deep as the parser allows is walked whatever thread
/// the server's handlers run on). When ``limit`` searches are running, the
/// next is refused at once with 503 and `Retry-After`, rather than queued
/// behind them; when a search passes its ``deadline``, its client gets 503
/// and the search finishes in the background, holding its place in the
/// limit until it does, so that slow queries sent over and over cannot
/// pile up threads.
public final class SearchGate: @unchecked Sendable {
    /// Searches that may run at once.
    public let limit: Int
    /// How long a client waits for a search.
    public let deadline: Duration
    private let lock = NSLock()
    private var running = 0

    /// A gate for `limit` searches at once, each answered within `deadline`.
    public init(limit: Int = max(2, ProcessInfo.processInfo.activeProcessorCount), deadline: Duration = .seconds(2)) {
        self.limit = limit
        self.deadline = deadline
    }

    /// Searches running now (for tests and status).
    public var inFlight: Int { lock.withLock { running } }

    /// Runs `work` on a thread of its own and returns its result, or throws
    /// 503 when the gate is full or the deadline passes first.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = lock.withLock { () -> Bool in
            guard running < limit else { return false }
            running += 1
            return true
        }
        guard admitted else {
            throw HTTPError(.serviceUnavailable, headers: [.retryAfter: "1"], message: "the server is busy with other searches; try again in a moment")
        }
        let once = Once<Result<T, Error>>()
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            once.set { continuation.resume(with: $0) }
            let thread = Thread { [self] in
                let result = Result { try work() }
                lock.withLock { running -= 1 }
                once.fire(result)
            }
            thread.stackSize = 16 << 20
            thread.start()
            let (seconds, attoseconds) = deadline.components
            let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) { [deadline] in
                once.fire(.failure(HTTPError(.serviceUnavailable, message: "the search took longer than \(deadline); narrow it with fewer words or without leading prefixes")))
            }
        }
    }
}

/// A callback called with the first value fired, once.
private final class Once<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var callback: ((Value) -> Void)?

    func set(_ callback: @escaping (Value) -> Void) { lock.withLock { self.callback = callback } }

    func fire(_ value: Value) {
        let callback = lock.withLock { () -> ((Value) -> Void)? in
            defer { self.callback = nil }
            return self.callback
        }
        callback?(value)
    }
}
