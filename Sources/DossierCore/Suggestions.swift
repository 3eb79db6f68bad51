/// The names closest to one that was not found, for "did you mean".
public enum Suggestions {
    /// Up to `limit` of `names` closest to `given`: those containing it (or
    /// contained in it) first, then by edit distance (to the whole name or,
    /// for a path, its last part), case ignored; none further than half the
    /// given name's length.
    public static func closest(_ given: String, among names: [String], limit: Int = 3) -> [String] {
        let target = Array(given.lowercased())
        let ranked = names.map { name -> (String, Int) in
            let lower = name.lowercased()
            if lower.contains(given.lowercased()) || given.lowercased().contains(lower) { return (name, 0) }
            // A path is also compared by its last part: a note by its file name.
            let last = lower.split(separator: "/").last.map { Array($0) } ?? Array(lower)
            return (name, min(distance(target, Array(lower)), distance(target, last)))
        }
        return ranked.filter { $0.1 <= max(2, target.count / 2) }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(limit).map(\.0)
    }

    /// Levenshtein distance.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
