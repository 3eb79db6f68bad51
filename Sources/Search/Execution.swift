import Index

/// FTS5's expression evaluation, ported node for node from `fts5_expr.c`.
///
/// Which rows match a query is a matter of sets, but *which instances count
/// towards a row's score* is not: FTS5 reads a phrase's instances from its
/// node's iterator, and that iterator stands on the current row only if the
/// way the tree was advanced put it there. In `x OR (a AND (b OR c))`, a row
/// matched through `x` may or may not count its `a` instances depending on
/// the rows visited before. To give the same scores as FTS5, bit for bit, we
/// walk the same iterators in the same way:
///
/// - a **TERM** node (one term, no `^`) follows its term's doclist; a prefix
///   term's doclist merges every term it begins;
/// - a **STRING** node (a multi-term phrase, `^`, or NEAR) aligns its terms'
///   doclists on a common row, then tests the phrase positions and the NEAR
///   constraint, setting *nomatch* when they fail;
/// - **AND** aligns its children on a row (advancing only the first child on
///   `next`), and zeroes its phrases' instances when a child is *nomatch*;
/// - **OR** stands on the smallest row of its children, preferring a child
///   that matches;
/// - **NOT** skips rows its right child matches;
/// - `next(from:)` always advances at least one entry, as FTS5's
///   `sqlite3Fts5IterNextFrom` does.
///
/// The root is iterated in ascending rowid order, skipping *nomatch* rows; at
/// each row, a phrase's instances are those of its node if the node is not
/// at EOF and stands on the root's row.
final class Execution {
    /// One term's doclist over live passages: rows ascending, with positions.
    final class Doclist {
        var rows: [Int64] = []
        var positions: [[Int64]] = []
    }

    /// A cursor over a doclist.
    final class TermIterator {
        let list: Doclist
        var index = 0

        init(_ list: Doclist) { self.list = list }

        var eof: Bool { index >= list.rows.count }
        var rowid: Int64 { list.rows[index] }
        var positions: [Int64] { list.positions[index] }

        func next() { index += 1 }

        /// Advances at least one entry, to the first row ≥ `target`.
        func next(from target: Int64) {
            index += 1
            guard index < list.rows.count, list.rows[index] < target else { return }
            var lo = index, hi = list.rows.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if list.rows[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            index = lo
        }
    }

    final class PhraseState {
        let phrase: Phrase
        var terms: [TermIterator] = []
        var poslist: [Int64] = []
        unowned(unsafe) var node: Node!

        init(phrase: Phrase) { self.phrase = phrase }
    }

    enum Kind { case term, string, and, or, not }

    final class Node {
        let kind: Kind
        var children: [Node] = []
        var phrases: [PhraseState] = []
        var distance = 10
        var rowid: Int64 = 0
        var eof = false
        var nomatch = false

        init(kind: Kind) { self.kind = kind }
    }

    let root: Node
    var phrases: [PhraseState] = []

    /// Builds the node tree for `query`, with doclists from `doclist(term)`.
    init(_ query: QueryNode, doclist: (QueryTerm) -> Doclist) {
        var states: [PhraseState] = []
        func build(_ q: QueryNode) -> Node {
            switch q {
            case .empty:
                let node = Node(kind: .or)
                node.eof = true
                return node
            case .nearset(let list, let distance):
                let single = list.count == 1 && list[0].terms.count == 1 && !list[0].first
                let node = Node(kind: single ? .term : .string)
                node.distance = distance ?? 10
                for phrase in list {
                    let state = PhraseState(phrase: phrase)
                    state.terms = phrase.terms.map { TermIterator(doclist($0)) }
                    state.node = node
                    node.phrases.append(state)
                    states.append(state)
                }
                return node
            case .and(let l, let r):
                let node = Node(kind: .and)
                for side in [l, r] {
                    let child = build(side)
                    if child.kind == .and { node.children += child.children } else { node.children.append(child) }
                }
                return node
            case .or(let l, let r):
                let node = Node(kind: .or)
                for side in [l, r] {
                    let child = build(side)
                    if child.kind == .or && !child.eof { node.children += child.children } else { node.children.append(child) }
                }
                return node
            case .not(let l, let r):
                let node = Node(kind: .not)
                node.children = [build(l), build(r)]
                return node
            }
        }
        root = build(query)
        phrases = states.sorted { $0.phrase.index < $1.phrase.index }
    }

    // MARK: iteration of the root

    /// Calls `body` for every matching row, in ascending order, with each
    /// phrase's instance count at that row (in phrase order).
    func run(_ body: (Int64, [Int]) -> Void) {
        first(root)
        while !root.eof && root.nomatch { next(root, false, 0) }
        var counts = [Int](repeating: 0, count: phrases.count)
        while !root.eof {
            for (i, state) in phrases.enumerated() {
                let node = state.node!
                counts[i] = (!node.eof && node.rowid == root.rowid) ? state.poslist.count : 0
            }
            body(root.rowid, counts)
            repeat { next(root, false, 0) } while !root.eof && root.nomatch
        }
    }

    // MARK: nodes

    func first(_ node: Node) {
        if node.eof { return }  // an empty node
        node.nomatch = false
        switch node.kind {
        case .term, .string:
            for state in node.phrases {
                for term in state.terms where term.eof {
                    node.eof = true
                }
            }
            if node.eof { return }
        case .and, .or, .not:
            var eofs = 0
            for child in node.children {
                first(child)
                if child.eof { eofs += 1 }
            }
            node.rowid = node.children[0].rowid
            switch node.kind {
            case .and: if eofs > 0 { setEOF(node) }
            case .or: if eofs == node.children.count { setEOF(node) }
            default: node.eof = node.children[0].eof
            }
        }
        test(node)
    }

    /// fts5ExprSetEof: the node and all its descendants.
    func setEOF(_ node: Node) {
        node.eof = true
        node.nomatch = false
        for child in node.children { setEOF(child) }
    }

    func test(_ node: Node) {
        guard !node.eof else { return }
        switch node.kind {
        case .string: testString(node)
        case .term: testTerm(node)
        case .and: testAnd(node)
        case .or: testOr(node)
        case .not: testNot(node)
        }
    }

    func next(_ node: Node, _ fromValid: Bool, _ from: Int64) {
        switch node.kind {
        case .term:
            let it = node.phrases[0].terms[0]
            if fromValid { it.next(from: from) } else { it.next() }
            if !it.eof { testTerm(node) } else { setEOF(node) }
        case .string:
            node.nomatch = false
            let it = node.phrases[0].terms[0]
            if fromValid { it.next(from: from) } else { it.next() }
            node.eof = it.eof
            if !node.eof { testString(node) }
        case .and:
            next(node.children[0], fromValid, from)
            testAnd(node)
        case .or:
            let last = node.rowid
            for child in node.children where !child.eof {
                if child.rowid == last || (fromValid && child.rowid < from) {
                    next(child, fromValid, from)
                }
            }
            testOr(node)
        case .not:
            next(node.children[0], fromValid, from)
            testNot(node)
        }
    }

    func testTerm(_ node: Node) {
        let state = node.phrases[0]
        let it = state.terms[0]
        state.poslist = it.positions
        node.rowid = it.rowid
        node.nomatch = state.poslist.isEmpty
    }

    func testString(_ node: Node) {
        var last = node.phrases[0].terms[0].rowid
        var matched: Bool
        repeat {
            matched = true
            for state in node.phrases {
                for it in state.terms {
                    if it.eof { continue }
                    if it.rowid == last { continue }
                    matched = false
                    if last > it.rowid {
                        it.next(from: last)
                        if it.eof { node.eof = true; node.nomatch = false; return }
                    }
                    last = it.rowid
                }
            }
        } while !matched
        node.rowid = last
        node.nomatch = !nearTest(node)
    }

    /// FTS5's fts5ExprNearTest for full-detail indexes.
    func nearTest(_ node: Node) -> Bool {
        var i = 0
        while i < node.phrases.count {
            let state = node.phrases[i]
            if state.terms.count > 1 || state.phrase.first {
                state.poslist = phrasePositions(state)
                if state.poslist.isEmpty { break }
            } else {
                state.poslist = state.terms[0].positions
            }
            i += 1
        }
        guard i == node.phrases.count else { return false }
        if i == 1 { return true }
        guard let trimmed = Searcher.nearMatch(node.phrases.map(\.poslist), lengths: node.phrases.map { Int64($0.terms.count) },
                                               distance: Int64(node.distance)) else {
            // FTS5 rewrites each poslist with the instances that took part in a match: none.
            for state in node.phrases { state.poslist = [] }
            return false
        }
        for (state, positions) in zip(node.phrases, trimmed) { state.poslist = positions }
        return true
    }

    /// Start positions where the phrase's terms stand consecutively (fts5ExprPhraseIsMatch).
    func phrasePositions(_ state: PhraseState) -> [Int64] {
        Self.phraseStarts(state.terms.map(\.positions), first: state.phrase.first)
    }

    /// fts5ExprPhraseIsMatch: the starts where term j stands at start + j (``phraseWalk(_:_:first:_:)``).
    static func phraseStarts(_ lists: [[Int64]], first: Bool) -> [Int64] {
        guard lists.allSatisfy({ !$0.isEmpty }) else { return [] }
        // The lists end to end, so that one buffer holds them all while they are walked.
        let flat = lists.flatMap { $0 }
        var out: [Int64] = []
        flat.withUnsafeBufferPointer { flat in
            var start = 0
            let views = lists.map { list -> UnsafeBufferPointer<Int64> in
                defer { start += list.count }
                return UnsafeBufferPointer(rebasing: flat[start..<(start + list.count)])
            }
            var at = [Int](repeating: 0, count: lists.count)
            views.withUnsafeBufferPointer { views in
                at.withUnsafeMutableBufferPointer { at in phraseWalk(views, at, first: first) { out.append(Int64($0)) } }
            }
        }
        return out
    }

    func testOr(_ node: Node) {
        var pick = node.children[0]
        for child in node.children.dropFirst() {
            let cmp = compare(pick, child)
            if cmp > 0 || (cmp == 0 && !child.nomatch) { pick = child }
        }
        node.rowid = pick.rowid
        node.eof = pick.eof
        node.nomatch = pick.nomatch
    }

    /// Later rows are larger; EOF is largest.
    func compare(_ a: Node, _ b: Node) -> Int {
        if b.eof { return -1 }
        if a.eof { return 1 }
        return a.rowid < b.rowid ? -1 : a.rowid > b.rowid ? 1 : 0
    }

    func testAnd(_ node: Node) {
        var last = node.rowid
        var matched: Bool
        repeat {
            node.nomatch = false
            matched = true
            for child in node.children {
                if last > child.rowid {
                    next(child, true, last)
                }
                if child.eof {
                    setEOF(node)
                    matched = true
                    break
                } else if last != child.rowid {
                    matched = false
                    last = child.rowid
                }
                if child.nomatch { node.nomatch = true }
            }
        } while !matched
        if node.nomatch && node !== root { zeroPoslist(node) }
        node.rowid = last
    }

    func testNot(_ node: Node) {
        let p1 = node.children[0], p2 = node.children[1]
        while !p1.eof {
            var cmp = compare(p1, p2)
            if cmp > 0 {
                next(p2, true, p1.rowid)
                cmp = compare(p1, p2)
            }
            if cmp != 0 || p2.nomatch { break }
            next(p1, false, 0)
        }
        node.eof = p1.eof
        node.nomatch = p1.nomatch
        node.rowid = p1.rowid
        if p1.eof { zeroPoslist(p2) }
    }

    func zeroPoslist(_ node: Node) {
        switch node.kind {
        case .term, .string: for state in node.phrases { state.poslist = [] }
        default: for child in node.children { zeroPoslist(child) }
        }
    }
}
