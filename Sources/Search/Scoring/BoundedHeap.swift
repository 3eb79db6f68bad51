/// Moves the element at `start` of a binary heap down to its place:
/// `first(a, b)` says whether a belongs nearer the root than b.
@inline(__always)
func siftDown<T>(_ heap: UnsafeMutableBufferPointer<T>, from start: Int, _ first: (T, T) -> Bool) {
    var i = start
    let n = heap.count
    while true {
        let l = 2 * i + 1, r = l + 1
        var top = i
        if l < n, first(heap[l], heap[top]) { top = l }
        if r < n, first(heap[r], heap[top]) { top = r }
        if top == i { return }
        heap.swapAt(i, top)
        i = top
    }
}

/// The best k hits seen so far (lowest bm25, then lowest id), in a buffer
/// of its own: noncopyable, allocated once, never copied, never
/// reference-counted.
///
/// Up to ``sortedLimit`` hits (a page of results) are kept sorted, best
/// first: a hit finds its place by counting the kept hits better than it,
/// and every kept hit after that place moves down one, both without a
/// branch on a comparison. A heap's sifts branch on every comparison, and
/// which way differs from query to query: on a two-word OR over a few
/// thousand passages, those mispredictions cost more than the moves
/// (2.7 → 2.4 µs with queries mixed as the bench runs them; 1.5 → 1.9 µs
/// when one query repeats, as a predictor then knows every branch). More
/// hits (`rank` asks for all) are kept in a binary max-heap on "worse",
/// whose root is the worst kept.
struct BoundedHeap: ~Copyable {
    /// The most hits kept sorted rather than in a heap.
    static let sortedLimit = 16
    /// How many hits are kept at most.
    let capacity: Int
    private let items: UnsafeMutablePointer<SearchHit>
    /// Whether `items` was allocated here (else it is the caller's).
    private let owned: Bool
    /// Whether the hits are kept sorted (else in a heap).
    private let keptSorted: Bool
    /// How many hits are kept now.
    private(set) var count = 0

    /// A heap of `capacity` hits; a caller that asks for more than can
    /// match (`rank` asks for all) passes the most that can.
    init(capacity: Int) {
        self.capacity = max(0, capacity)
        keptSorted = self.capacity <= Self.sortedLimit
        items = .allocate(capacity: max(1, self.capacity))
        owned = true
    }

    /// A heap of at most ``sortedLimit`` hits in `storage`, the caller's.
    private init(capacity: Int, storage: UnsafeMutablePointer<SearchHit>) {
        self.capacity = max(0, capacity)
        keptSorted = true
        items = storage
        owned = false
    }

    deinit { if owned { items.deallocate() } }

    /// Calls `body` with a heap of `capacity` hits, kept on the stack when
    /// they are a page of results (most queries: one allocation fewer).
    static func with<R>(capacity: Int, _ body: (inout BoundedHeap) -> R) -> R {
        guard capacity <= sortedLimit else {
            var heap = BoundedHeap(capacity: capacity)
            return body(&heap)
        }
        return withUnsafeTemporaryAllocation(of: SearchHit.self, capacity: sortedLimit) { storage in
            var heap = BoundedHeap(capacity: capacity, storage: storage.baseAddress!)
            return body(&heap)
        }
    }

    @inline(__always)
    static func better(_ a: SearchHit, _ b: SearchHit) -> Bool {
        a.bm25 != b.bm25 ? a.bm25 < b.bm25 : a.passageID < b.passageID
    }

    /// ``better(_:_:)`` as 0 or 1, computed without a branch.
    @inline(__always)
    static func betterBit(_ a: SearchHit, _ b: SearchHit) -> Int {
        (a.bm25 < b.bm25 ? 1 : 0) | ((a.bm25 == b.bm25 ? 1 : 0) & (a.passageID < b.passageID ? 1 : 0))
    }

    /// The worst hit kept (count > 0).
    @inline(__always)
    private var worst: SearchHit { keptSorted ? items[count - 1] : items[0] }

    /// Whether k hits are kept.
    var isFull: Bool { count >= capacity }

    /// The score (−bm25) a hit must reach to enter, once full.
    var threshold: Double { isFull ? (capacity == 0 ? .infinity : -worst.bm25) : -.infinity }

    /// Whether a hit with `bm25` may enter (ties are settled by id in `insert`).
    @inline(__always)
    func admits(_ bm25: Double) -> Bool {
        count < capacity || (capacity > 0 && bm25 <= worst.bm25)
    }

    /// Keeps `hit` if it is among the best k seen.
    @inline(__always)
    mutating func insert(_ hit: SearchHit) {
        if keptSorted {
            let full = count == capacity
            guard capacity > 0, !full || Self.better(hit, items[count - 1]) else { return }
            // Its place: how many kept hits are better. Then every hit after
            // it moves down one (the last dropped when full), each move a
            // select rather than a branch on where the place is.
            var place = 0
            for i in 0..<count { place &+= Self.betterBit(items[i], hit) }
            let last = full ? count - 1 : count
            var i = last
            while i > 0 {
                items[i] = i > place ? items[i - 1] : items[i]
                i -= 1
            }
            items[place] = hit
            count = last + 1
            return
        }
        if count < capacity {
            var i = count
            count += 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.better(items[parent], hit) else { break }
                items[i] = items[parent]
                i = parent
            }
            items[i] = hit
        } else if capacity > 0, Self.better(hit, items[0]) {
            items[0] = hit
            siftDown(UnsafeMutableBufferPointer(start: items, count: count), from: 0) { Self.better($1, $0) }
        }
    }

    /// The kept hits, best first (the heap is emptied).
    mutating func sorted() -> [SearchHit] {
        withSorted { Array($0) }
    }

    /// Appends the kept hits, best first, to `array` (the heap is emptied).
    mutating func drain(into array: inout [SearchHit]) {
        withSorted { array.append(contentsOf: $0) }
    }

    /// Calls `body` with the kept hits, best first, in the heap's own
    /// memory (no copy); the heap is emptied.
    mutating func withSorted<R>(_ body: (UnsafeBufferPointer<SearchHit>) -> R) -> R {
        if !keptSorted {
            // Heap sort: the worst goes to the end, and so on.
            var n = count
            while n > 1 {
                n -= 1
                (items[0], items[n]) = (items[n], items[0])
                siftDown(UnsafeMutableBufferPointer(start: items, count: n), from: 0) { Self.better($1, $0) }
            }
        }
        defer { count = 0 }
        return body(UnsafeBufferPointer(start: items, count: count))
    }
}
