extension String {
    /// The string safe to print on a terminal: each control character
    /// (C0, DEL, C1: what starts an escape sequence that sets the window's
    /// title, moves the cursor or rewrites the screen) becomes U+FFFD, a tab
    /// a space. Scalar for scalar, so ranges into the string still hold.
    /// Every string taken from the catalog (titles, paths, headings,
    /// labels, URLs, errors) goes through it before it is printed.
    public var printable: String {
        guard unicodeScalars.contains(where: Self.isControl) else { return self }
        var view = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            view.append(scalar == "\t" ? " " : Self.isControl(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(view)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
