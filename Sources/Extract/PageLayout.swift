/// Word, line and paragraph boundaries from where the glyphs stand.
///
/// Poppler's page text (`poppler_page_get_text`) follows the reading order
/// its layout analysis finds (TextOutputDev: characters into words, words
/// into lines, lines into blocks and flows), but when it writes the text
/// out it puts nothing between two blocks that share a row: the cells of a
/// table row, a heading set beside its paragraph, a margin note. Their
/// words run together (`codeunitunitbaleenBALkg` for the row "code · unit ·
/// unit" and the next "baleen · BAL · kg"), and a search for any of them
/// misses the page. `poppler_page_get_text_layout` gives the box of every
/// character of that same text, so the boundaries can be read back from
/// the page itself, as `pdftotext` draws them:
///
/// - Two characters on one row (their boxes overlap by half the smaller
///   height) belong to one word while the gap between them is under a tenth
///   of the type's height (TextOutputDev breaks a word at 0.1 of the font
///   size); a wider gap is a space.
/// - A character on another row, or back to the left of the last one on
///   the same row, starts a new line.
/// - Text set sideways (glyph boxes wider than tall, one under the other)
///   is read down its column by the same rule turned a quarter.
/// - A new line starts a paragraph (a blank line, which passages prefer to
///   end at) when the vertical gap between the two rows exceeds the page's
///   usual gap between lines by half the smaller line's height, when the type size changes by a fifth or
///   more (a heading and its text), or when the text goes back up the page
///   (the next column).
///
/// - A footnote mark set against a word (`concerned²⁷`: digits in a
///   smaller type than the word's, their baseline raised above the word's
///   by a fifth of its height, their top at most a tenth of its height
///   lower than its: a capital's box is taller) is a word of its own: a
///   space goes between the word and the mark, and between a mark and a
///   word it leads, so that the word is found and a phrase ending at it
///   matches. Subscripts (`CO₂`, lowered) and letters set small after a
///   number (`1st`) stay as they are.
///
/// White space poppler did write is kept where the geometry agrees, and
/// made a line or paragraph break where it does not. The text is rebuilt
/// character by character from poppler's own, so nothing is added but
/// separators, and nothing is lost.
public enum PageLayout {
    /// A character's box on the page, in points, y growing downwards.
    public struct Box: Sendable, Equatable {
        public var x1: Double
        public var y1: Double
        public var x2: Double
        public var y2: Double

        /// Creates a box.
        public init(x1: Double, y1: Double, x2: Double, y2: Double) {
            (self.x1, self.y1, self.x2, self.y2) = (x1, y1, x2, y2)
        }

        var height: Double { y2 - y1 }
        var width: Double { x2 - x1 }
    }

    /// What separates two characters.
    enum Boundary: Int, Comparable {
        case none, space, line, paragraph
        static func < (a: Boundary, b: Boundary) -> Bool { a.rawValue < b.rawValue }
    }

    /// `text` with the separators its characters' `boxes` call for. `boxes`
    /// holds one box per Unicode scalar of `text` (as poppler gives them);
    /// when the counts differ the text is returned as it is.
    public static func separate(_ text: String, boxes: [Box]) -> String {
        var ignored: [Int]?
        return separate(text, boxes: boxes, origins: &ignored)
    }

    /// `text` separated as ``separate(_:boxes:)`` does; `origins`, when not
    /// nil, receives for each scalar of the result the index of the scalar
    /// of `text` it is (so of its box), or -1 for a separator added.
    static func separate(_ text: String, boxes: [Box], origins: inout [Int]?) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == boxes.count, !scalars.isEmpty else {
            if origins != nil { origins = Array(0..<scalars.count) }
            return text
        }
        let leading = typicalLeading(scalars, boxes)
        let tracking = origins != nil
        var from: [Int] = []
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count + scalars.count / 8)
        var previous: Box?
        var previousScalar: Unicode.Scalar = " "
        var started = false
        var written = Boundary.none
        for (index, (scalar, box)) in zip(scalars, boxes).enumerated() {
            switch scalar {
            case "\n", "\r":
                written = max(written, .line)
                continue
            case " ", "\t":
                written = max(written, .space)
                continue
            default:
                break
            }
            // A box with no area (a character poppler placed nowhere) tells nothing.
            let placed = box.x2 > box.x1 || box.y2 > box.y1
            if started {
                var separator = written
                if let last = previous, placed {
                    var found = boundary(from: last, to: box, leading: leading)
                    if found == .none, isMark(previousScalar, last, against: scalar, box) { found = .space }
                    separator = found >= .line ? found : max(found, written)
                }
                switch separator {
                case .none: break
                case .space: out.append(" ")
                case .line: out.append("\n")
                case .paragraph: out.append(contentsOf: "\n\n".unicodeScalars)
                }
                if tracking { from += repeatElement(-1, count: separator == .paragraph ? 2 : separator == .none ? 0 : 1) }
            }
            out.append(scalar)
            if tracking { from.append(index) }
            started = true
            if placed { previous = box; previousScalar = scalar }
            written = .none
        }
        if tracking { origins = from }
        return String(out)
    }

    /// Whether two touching characters are a word and a footnote mark
    /// against it, either way round: a letter and a digit where the digit
    /// is in smaller type, raised.
    static func isMark(_ a: Unicode.Scalar, _ boxA: Box, against b: Unicode.Scalar, _ boxB: Box) -> Bool {
        func raised(_ mark: Box, over base: Box) -> Bool {
            mark.height < 0.95 * base.height && base.y2 - mark.y2 > 0.2 * base.height && mark.y1 <= base.y1 + 0.1 * base.height
        }
        let letterA = a.properties.isAlphabetic, letterB = b.properties.isAlphabetic
        let digitA = a.properties.numericType == .decimal, digitB = b.properties.numericType == .decimal
        return (letterA && digitB && raised(boxB, over: boxA)) || (digitA && letterB && raised(boxA, over: boxB))
    }

    /// The usual gap between two rows of one paragraph on this page: the
    /// lower quartile of the gaps where the text steps down to a row of the
    /// same type (most steps are within paragraphs), so that a page set
    /// with wide leading does not make every line a paragraph.
    static func typicalLeading(_ scalars: [Unicode.Scalar], _ boxes: [Box]) -> Double {
        var gaps: [Double] = []
        var previous: Box?
        for (scalar, box) in zip(scalars, boxes) where scalar != "\n" && scalar != " " && scalar != "\r" && scalar != "\t" {
            guard box.x2 > box.x1 || box.y2 > box.y1 else { continue }
            if let a = previous {
                let smaller = max(min(a.height, box.height), 0.1)
                let gap = box.y1 - a.y2
                if gap > -0.5 * smaller, gap < 2 * smaller, max(a.height, box.height) <= 1.2 * smaller,
                   min(a.y2, box.y2) - max(a.y1, box.y1) <= 0.5 * smaller {
                    gaps.append(max(gap, 0))
                }
            }
            previous = box
        }
        guard !gaps.isEmpty else { return 0 }
        gaps.sort()
        return gaps[gaps.count / 4]
    }

    /// The boundary between a character in box `a` and the next in box `b`,
    /// rows of a paragraph being `leading` apart.
    static func boundary(from a: Box, to b: Box, leading: Double) -> Boundary {
        if a.width > a.height, b.width > b.height {
            // Text set sideways (a rotated column heading): a glyph's box is
            // wider than tall, and its word runs down or up the page.
            let narrower = max(min(a.width, b.width), 0.1)
            if min(a.x2, b.x2) - max(a.x1, b.x1) > 0.5 * narrower {
                let gap = max(b.y1 - a.y2, a.y1 - b.y2)
                return gap > 0.1 * narrower ? .space : .none
            }
        }
        let smaller = max(min(a.height, b.height), 0.1)
        let overlap = min(a.y2, b.y2) - max(a.y1, b.y1)
        if overlap > 0.5 * smaller {
            // One row: boxes that touch (in either direction: text set
            // right to left, or turned half a circle) are one word; a gap
            // wider than a tenth of the type is a space; a step back to the
            // left is a new line.
            let gap = max(b.x1 - a.x2, a.x1 - b.x2)
            if gap <= 0.1 * smaller { return .none }
            return b.x1 >= a.x2 - 0.5 * smaller ? .space : .line
        }
        let larger = max(a.height, b.height)
        if b.y2 < a.y1 { return .paragraph }                            // back up the page: the next column
        if b.y1 - a.y2 > leading + 0.5 * smaller { return .paragraph }  // a wider gap than between lines
        if larger > 1.2 * smaller { return .paragraph }                 // another size of type
        return .line
    }
}
