import Foundation

/// A count shared between a test and the servers or tasks it starts, safe
/// from any thread: one in all (``value``, ``add()``), or one per key
/// (``next(_:)``, for a server whose answer changes from call to call).
public final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    private var counts: [String: Int] = [:]

    public init() {}

    /// The count in all (a test may also set it, as a version a server reads).
    public var value: Int {
        get { lock.withLock { total } }
        set { lock.withLock { total = newValue } }
    }

    /// Counts one more.
    public func add() { lock.withLock { total += 1 } }

    /// Counts one more call for `key`; returns how many so far, this one included.
    public func next(_ key: String) -> Int {
        lock.withLock {
            counts[key, default: 0] += 1
            return counts[key]!
        }
    }
}
