extension String {
    /// The string cut to at most `limit` characters (Unicode scalars), the
    /// last of them an ellipsis when it was cut: titles, labels and note
    /// lines taken from documents and notes are shown within a stated
    /// length, however long they are on disk.
    public func clipped(to limit: Int) -> String {
        guard limit > 0 else { return "" }
        var count = 0
        var end = unicodeScalars.startIndex
        while end < unicodeScalars.endIndex, count < limit {
            end = unicodeScalars.index(after: end)
            count += 1
        }
        guard end < unicodeScalars.endIndex else { return self }
        var view = String.UnicodeScalarView(unicodeScalars[..<unicodeScalars.index(before: end)])
        view.append("…")
        return String(view)
    }
}
