import Foundation

/// `body(0..<count)` on as many threads as the machine has, the results in
/// order. Each task writes only its own slot.
public func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    guard count > 1 else { return (0..<count).map(body) }
    let slots = ParallelSlots<T>(count)
    DispatchQueue.concurrentPerform(iterations: count) { i in slots.items[i] = body(i) }
    return (0..<count).map { slots.items[$0]! }
}

/// One slot per task of ``parallelMap(_:_:)``.
final class ParallelSlots<T>: @unchecked Sendable {
    let items: UnsafeMutableBufferPointer<T?>
    init(_ n: Int) {
        items = .allocate(capacity: n)
        items.initialize(repeating: nil)
    }
    deinit { items.deinitialize().deallocate() }
}
