/// # Page furniture
///
/// What a document prints on its pages around the text: running heads (the
/// report's title, the chapter or section it is in, repeated at the top of
/// page after page), running feet, and page numbers (`29 / 251`, `Page 12
/// of 80`, `iv`). Indexed as text, they match every query about their
/// words, count in BM25's lengths, end up in snippets, and join the last
/// paragraph of a page to the first of the next.
///
/// Poppler gives a page's text in reading order, so furniture is its first
/// or last lines. A line is furniture when, among the first two or the last
/// two lines of a page:
///
/// - it is a page number alone: digits, `N / M`, `Page N of M` (and the
///   French and Spanish forms), `- N -`, or a roman numeral; or
/// - the same line, its digits masked (`Section 3.2` and `Section 4.1` are
///   one line; `12 / 80` and `13 / 80` too), stands in the same place (top
///   or bottom) on at least three pages. Its first occurrence stays (a
///   section heading is often the running head of the pages after it); the
///   later ones go.
///
/// Lines of more than 160 characters are text, not furniture, and so are
/// the lines of a page that holds nothing else (a page of one line is
/// its text, however many pages repeat it). What is
/// taken off a page is kept with it (``Stripped/furniture``), and a page
/// number found there is the page's printed label when the PDF gives none.
enum PageFurniture {
    /// Pages with their furniture taken off.
    struct Stripped {
        /// Each page's text without its furniture.
        var texts: [String]
        /// Each page's furniture lines, top first.
        var furniture: [[String]]
        /// Each page's printed number, when a page-number line gave one.
        var numbers: [String?]
        /// Each page's running head: the line repeated at the top of pages
        /// that stands at the top of this one (its first occurrence, kept
        /// in the text as a heading, included), the section the page is in.
        var heads: [String?] = []
    }

    /// Lines a page's furniture is looked for in, at its top and at its bottom.
    static let edgeLines = 2
    /// Pages a repeated line must stand on to be furniture.
    static let repeats = 3
    /// Longest furniture line, in characters.
    static let longest = 160

    /// `pages` (normalized page texts, lines apart by "\n") without their furniture.
    static func strip(_ pages: [String]) -> Stripped {
        let lines = pages.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        // Where each page's candidates are: the indices of its first and last non-empty lines.
        var edges: [(top: [Int], bottom: [Int], filled: Int)] = []
        var seen: [Edge: [String: Int]] = [.top: [:], .bottom: [:]]
        for page in lines {
            let filled = page.indices.filter { !page[$0].allSatisfy(\.isWhitespace) }
            let top = Array(filled.prefix(edgeLines))
            let bottom = Array(filled.suffix(edgeLines)).filter { !top.contains($0) }
            edges.append((top, bottom, filled.count))
            for (edge, indices) in [(Edge.top, top), (.bottom, bottom)] {
                for key in Set(indices.compactMap { key(page[$0]) }) { seen[edge]![key, default: 0] += 1 }
            }
        }
        var texts: [String] = [], furniture: [[String]] = [], numbers: [String?] = [], heads: [String?] = []
        var kept: Set<String> = []  // repeated lines whose first occurrence was kept
        for (p, page) in lines.enumerated() {
            var drop = Set<Int>(), repeated = Set<Int>()
            var number: String?
            var head: String?
            for (edge, indices) in [(Edge.top, edges[p].top), (.bottom, edges[p].bottom)] {
                for i in indices {
                    let line = page[i].trimmingCharacters(in: .whitespaces)
                    if let found = pageNumber(line, pages: pages.count) {
                        drop.insert(i)
                        number = number ?? found
                    } else if let key = key(line), seen[edge]![key, default: 0] >= repeats {
                        if edge == .top, head == nil { head = line }
                        if kept.insert("\(edge)\t\(key)").inserted { continue }
                        drop.insert(i)
                        repeated.insert(i)
                    }
                }
            }
            // A page of nothing but repeated lines: they are its text.
            if drop.count == edges[p].filled { drop.subtract(repeated) }
            heads.append(head)
            guard !drop.isEmpty else {
                texts.append(pages[p])
                furniture.append([])
                numbers.append(nil)
                continue
            }
            texts.append(page.indices.filter { !drop.contains($0) }.map { page[$0] }.joined(separator: "\n")
                .trimmingCharacters(in: .whitespacesAndNewlines))
            furniture.append(drop.sorted().map { page[$0].trimmingCharacters(in: .whitespaces) })
            numbers.append(number)
        }
        return Stripped(texts: texts, furniture: furniture, numbers: numbers, heads: heads)
    }

    /// Each page's printed label: the PDF's (`given`, poppler's; a PDF
    /// without page labels gives the physical number), unless the PDF
    /// gives only physical numbers and the page numbers its furniture
    /// prints run at one offset from them on most numbered pages (a report
    /// whose page 1 is its sixth sheet), or in roman numerals (its front
    /// matter); a printed number off that run is not taken, and a page
    /// inside the run that prints none is numbered by it.
    static func labels(given: [String?], numbers: [String?]) -> [String?] {
        let physical = given.indices.allSatisfy { given[$0] == nil || given[$0] == String($0 + 1) }
        guard physical else { return given }
        var offsets: [Int: Int] = [:]
        for (i, number) in numbers.enumerated() { if let number, let n = Int(number) { offsets[n - (i + 1), default: 0] += 1 } }
        let arabic = offsets.values.reduce(0, +)
        let run = offsets.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
        guard let run, run.value >= 3, run.value * 2 > arabic else {
            return given.indices.map { i in numbers[i].flatMap { Int($0) == nil ? $0 : nil } ?? given[i] }
        }
        // The run's pages: from the first to the last page printed in it, those between numbered by it too.
        let inRun = numbers.indices.filter { i in numbers[i].flatMap(Int.init).map { $0 - (i + 1) == run.key } ?? false }
        let span = inRun.first!...inRun.last!
        return given.indices.map { i in
            if let number = numbers[i], Int(number) == nil { return number }  // roman: front matter
            if span.contains(i), i + 1 + run.key > 0 { return String(i + 1 + run.key) }
            return given[i]
        }
    }

    enum Edge: Hashable { case top, bottom }

    /// A line with its digits masked and its case and spaces folded: the
    /// same running head on every page has one key. Nil for a line that
    /// cannot be furniture (too long, or no letter).
    static func key(_ line: String) -> String? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= longest, trimmed.unicodeScalars.contains(where: \.properties.isAlphabetic) else {
            return nil
        }
        var out = String.UnicodeScalarView()
        var lastWasDigit = false, lastWasSpace = false
        for scalar in trimmed.lowercased().unicodeScalars {
            if scalar.properties.numericType == .decimal {
                if !lastWasDigit { out.append("#") }
                lastWasDigit = true
                lastWasSpace = false
            } else if scalar.properties.isWhitespace {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
                lastWasDigit = false
            } else {
                out.append(scalar)
                lastWasDigit = false
                lastWasSpace = false
            }
        }
        return String(out)
    }

    /// The page number a line is, if it is nothing else: `12`, `12 / 80`,
    /// `Page 12 of 80`, `p. 12`, `- 12 -`, `xiv`; the number itself. A
    /// number far past the document's `pages` (a year on a cover) is not one.
    static func pageNumber(_ line: String, pages: Int) -> String? {
        let words = line.lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard (1...4).contains(words.count) else { return nil }
        let lead: Set<String> = ["page", "p.", "pg.", "pag.", "pág.", "pág", "página", "pagina", "seite"]
        let joiners: Set<String> = ["/", "of", "de", "sur", "von"]
        var rest = words[...]
        if let first = rest.first, lead.contains(first) { rest = rest.dropFirst() }
        if rest.count == 3, rest.first == "-" || rest.first == "–", rest.last == rest.first { rest = rest.dropFirst().dropLast() }
        guard let number = rest.first, isNumber(number) else {
            // `12/80` written without spaces.
            if words.count == 1, let slash = words[0].firstIndex(of: "/"),
               isArabic(String(words[0][..<slash])), isArabic(String(words[0][words[0].index(after: slash)...])) {
                return String(words[0][..<slash])
            }
            return nil
        }
        if isArabic(number), let n = Int(number), n > max(2 * pages, pages + 50) { return nil }
        rest = rest.dropFirst()
        if rest.isEmpty { return number }
        guard rest.count == 2, joiners.contains(rest.first!), isArabic(rest.last!) else { return nil }
        return number
    }

    static func isArabic(_ word: String) -> Bool {
        (1...5).contains(word.count) && word.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Digits, or a roman numeral in lower case (as page numbers of front matter are printed).
    static func isNumber(_ word: String) -> Bool {
        if isArabic(word) { return true }
        guard (1...7).contains(word.count), word.allSatisfy({ "ivxlc".contains($0) }) else { return false }
        // A well-formed numeral up to 399, not a word of those letters.
        return word.range(of: "^c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", options: .regularExpression) != nil
    }
}
