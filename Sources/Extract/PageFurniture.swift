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
/// - the same line, its digits masked (`Chapter 3` and `Chapter 4` are one
///   line; `Report · 12` and `Report · 13` too), stands in the same place
///   (top or bottom) on at least three pages, and this occurrence is one of
///   a family: the very same line on another page at that place, or lines
///   whose numbers differ only by numbers that move with the page (`Report
///   · 12` on page 14, `Report · 13` on page 15), on three pages or more.
///   So the footnotes at the feet of pages, `10. Article 6(2) Regulation
///   (EC) No 865/2006` and `14. Article 4(7) Regulation (EC) No 865/2006`,
///   one line once their digits are masked, are text: their numbers do not
///   move with the page. Its first occurrence stays (a section heading is
///   often the running head of the pages after it), unless the line stood
///   on the page before (the section began amid that page); the later ones
///   go.
///
/// A running foot that poppler's reading order puts amid a page's lines (a
/// landscape table's page) is furniture there too: a line that is, word for
/// word, a foot taken off earlier pages goes wherever it stands. (A running
/// head amid a page is kept: that is where its section starts.) So does a
/// page's number on a line of its own amid the page (a two-column index),
/// when most numbered pages print their number at one offset from their
/// index and no edge of this page gave one.
///
/// Lines of more than 160 characters are text, not furniture. A page that
/// holds nothing but furniture (a figure under its running head) is left
/// without text; its lines are kept with it like any page's. But lines
/// repeated only on pages of nothing else (a document of one line a page,
/// `Report 3, page 12`) are those pages' text. What is
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
        var edges: [(top: [Int], bottom: [Int])] = []
        var seen: [Edge: [String: Int]] = [.top: [:], .bottom: [:]]
        // Repeated lines that stand at an edge of a page with text beyond its edges: furniture even on a page of nothing else.
        var framing: [Edge: Set<String>] = [.top: [], .bottom: []]
        for page in lines {
            let filled = page.indices.filter { page[$0].unicodeScalars.contains { !$0.properties.isWhitespace } }
            // A page of few lines has lines at both edges: a foot may be its second line.
            let top = Array(filled.prefix(edgeLines)), bottom = Array(filled.suffix(edgeLines))
            edges.append((top, bottom))
            for (edge, indices) in [(Edge.top, top), (.bottom, bottom)] {
                for key in Set(indices.compactMap { key(page[$0]) }) {
                    seen[edge]![key, default: 0] += 1
                    if filled.count > 2 * edgeLines { framing[edge]!.insert(key) }
                }
            }
        }
        // The families of the lines that repeat, their digits masked.
        var families = Families()
        for (p, page) in lines.enumerated() {
            for (edge, indices) in [(Edge.top, edges[p].top), (.bottom, edges[p].bottom)] {
                for i in indices where key(page[i]).map({ seen[edge]![$0, default: 0] >= repeats }) ?? false {
                    families.add(page[i], edge: edge, page: p)
                }
            }
        }
        var texts: [String] = [], furniture: [[String]] = [], numbers: [String?] = [], heads: [String?] = []
        var kept: Set<String> = []  // repeated lines whose first occurrence was kept
        var feet: Set<String> = []  // running feet taken off a page, folded: gone wherever they stand on later pages
        var footLengths = 0...0  // bytes of the lines that may be one of `feet`
        // The offset most pages print their number at from their index: a
        // page whose number is not at an edge (a two-column index, where the
        // reading order puts it amid the columns) has it as a line of its own.
        var offsets: [Int: Int] = [:]
        var numbered: [[Int: String]] = []  // each page's edge lines that are a page number, and the number
        for (p, page) in lines.enumerated() {
            var found: [Int: String] = [:]
            for i in Set(edges[p].top + edges[p].bottom) {
                if let number = pageNumber(page[i].trimmingCharacters(in: .whitespaces), pages: pages.count) { found[i] = number }
            }
            numbered.append(found)
            for n in Set(found.values.compactMap { Int($0) }) { offsets[n - (p + 1), default: 0] += 1 }
        }
        let run = offsets.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
        let offset = run.flatMap { $0.value >= repeats && $0.value * 2 > offsets.values.reduce(0, +) ? $0.key : nil }
        for (p, page) in lines.enumerated() {
            var drop = Set<Int>(), repeated = Set<Int>()
            var number: String?
            var head: String?
            var judged = Set<Int>()
            // A line at both edges of a short page is judged at the edge where its key repeats more: a foot
            // (the second line of two), or a head (a figure page's running head over its caption).
            let both = Set(edges[p].top).intersection(edges[p].bottom)
            let atBottom = Set(both.filter { i in key(page[i]).map { seen[.bottom]![$0, default: 0] >= seen[.top]![$0, default: 0] } ?? true })
            for (edge, indices) in [(Edge.bottom, edges[p].bottom.filter { !both.contains($0) || atBottom.contains($0) }),
                                    (.top, edges[p].top.filter { !atBottom.contains($0) })] {
                for i in indices where !judged.contains(i) {
                    let line = page[i].trimmingCharacters(in: .whitespaces)
                    if let found = numbered[p][i] {
                        drop.insert(i)
                        judged.insert(i)
                        number = number ?? found
                    } else if let key = key(line), seen[edge]![key, default: 0] >= repeats, families.isFurniture(line, edge: edge, page: p) {
                        judged.insert(i)
                        if edge == .top, head == nil { head = line }
                        // Its first occurrence is a heading, unless it stood on the page before (its section began there).
                        if kept.insert("\(edge)\t\(key)").inserted, p == 0 || !lines[p - 1].contains(where: { fold($0) == fold(line) }) {
                            continue
                        }
                        drop.insert(i)
                        if !framing[edge]!.contains(key) { repeated.insert(i) }
                        if edge == .bottom {
                            for form in Self.footForms(line, pages: pages.count) where feet.insert(form).inserted {
                                // Lines whose bytes could fold to it (a few spaces more, case changing a letter's width).
                                let bytes = form.utf8.count
                                footLengths = min(footLengths.lowerBound, bytes / 2)...max(footLengths.upperBound, bytes * 2 + 8)
                            }
                        }
                    }
                }
            }
            // A page of nothing but repeated lines that frame no page of text (a document of one line a page): they are its text.
            if !repeated.isEmpty, page.indices.allSatisfy({ drop.contains($0) || page[$0].allSatisfy(\.isWhitespace) }) {
                drop.subtract(repeated)
            }
            // (Not on a page of many lone numbers: a table's cells, one of which may be that number.)
            if number == nil, let offset, p + 1 + offset > 0, case let expected = String(p + 1 + offset),
               page.lazy.filter({ PageFurniture.isArabic($0.trimmingCharacters(in: .whitespaces)) }).prefix(4).count <= 3,
               let i = page.indices.first(where: { !drop.contains($0) && page[$0].trimmingCharacters(in: .whitespaces) == expected }) {
                drop.insert(i)
                number = expected
            }
            // A foot met amid the page's lines: out of place in the reading order, furniture all the same.
            if !feet.isEmpty {
                for i in page.indices where !drop.contains(i) && !judged.contains(i) && footLengths.contains(page[i].utf8.count)
                    && feet.contains(fold(page[i])) {
                    drop.insert(i)
                }
            }
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

    /// The forms of a running foot that are furniture wherever they stand
    /// on a later page: the line, and the line without the page number it
    /// ends with (`Guide, version 8 · 12` stands as `Guide, version 8` amid a
    /// table's page, its number apart; a number past the document's `pages`,
    /// a year, is part of the foot), both folded, when they are long enough
    /// not to be a line of text too (two words, twelve characters).
    static func footForms(_ line: String, pages: Int) -> [String] {
        let folded = fold(line)
        var forms = [folded]
        if let last = folded.split(separator: " ").last, last.allSatisfy({ $0.isASCII && $0.isNumber }),
           let n = Int(last.prefix(6)), n <= max(2 * pages, pages + 50) {
            forms.append(String(String(folded.dropLast(last.count).reversed().drop { " ·|–-".contains($0) }).reversed()))
        }
        return forms.filter { $0.count >= 12 && $0.contains(" ") }
    }

    /// A line with its case and spaces folded, digits kept: the same line, word for word.
    static func fold(_ line: String) -> String {
        var out = String.UnicodeScalarView()
        var space = false
        for scalar in line.lowercased().unicodeScalars {
            if scalar.isASCII ? scalar == " " || (scalar.value >= 9 && scalar.value <= 13) : scalar.properties.isWhitespace {
                space = !out.isEmpty
            } else {
                if space { out.append(" ") }
                space = false
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The lines at the pages' edges, grouped so that an occurrence can
    /// tell whether it repeats: the same line at the same edge of another
    /// page, or a line whose numbers, where they differ from it, move with
    /// the page (each such number minus its page index the same), on three
    /// pages or more.
    struct Families {
        /// Each occurrence's signatures, with the pages they stand on: for
        /// every subset of its numbers (the first four), the line with
        /// those numbers as their offset from the page and the others as
        /// they are. The empty subset is the line itself.
        private var pages: [String: Set<Int>] = [:]

        /// Numbers of a line that can move with the page: at most four are tried.
        static let movingNumbers = 4

        mutating func add(_ line: String, edge: Edge, page: Int) {
            for signature in Self.signatures(line, edge: edge, page: page) { pages[signature, default: []].insert(page) }
        }

        func isFurniture(_ line: String, edge: Edge, page: Int) -> Bool {
            for (n, signature) in Self.signatures(line, edge: edge, page: page).enumerated() {
                let others = (pages[signature]?.count ?? 0) - 1
                // The same line on one other page; numbers moving with the page on two others.
                if others >= (n == 0 ? 1 : PageFurniture.repeats - 1) { return true }
            }
            return false
        }

        static func signatures(_ line: String, edge: Edge, page: Int) -> [String] {
            // The numbers ``key(_:)`` masks.
            let (parts, numbers) = PageFurniture.numbered(line)
            let moving = min(numbers.count, movingNumbers)
            return (0..<(1 << moving)).map { subset in
                var signature = "\(edge)"
                for (i, number) in numbers.enumerated() {
                    signature += parts[i]
                    signature += subset & (1 << i) != 0 ? "\u{1}\(number - page)" : "\(number)"
                }
                return signature + parts[numbers.count]
            }
        }
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
        return numbered(trimmed).parts.joined(separator: "#")
    }

    /// A line folded (``fold(_:)``) and cut at its numbers, in any script's
    /// decimal digits (`Rapport ١٢`, full-width `１２`): the text between
    /// them (one more part than numbers) and the numbers' values.
    static func numbered(_ line: String) -> (parts: [String], numbers: [Int]) {
        var parts: [String] = [], numbers: [Int] = []
        var part = String.UnicodeScalarView(), number: Int?
        for scalar in fold(line).unicodeScalars {
            if scalar.properties.numericType == .decimal, let digit = scalar.properties.numericValue {
                if number == nil {
                    parts.append(String(part))
                    part = String.UnicodeScalarView()
                }
                number = min((number ?? 0) * 10 + Int(digit), 999_999_999)
            } else {
                if let n = number { numbers.append(n) }
                number = nil
                part.append(scalar)
            }
        }
        if let n = number { numbers.append(n) }
        parts.append(String(part))
        return (parts, numbers)
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
