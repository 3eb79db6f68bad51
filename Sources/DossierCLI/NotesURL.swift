import Notes

/// URL normalization, as the notes stage does it.
enum NotesURL {
    static func normalize(_ url: String) -> String? { URLNormalizer.normalize(url) }
}
