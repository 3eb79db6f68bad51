import DossierCore
/// Cuts a page's text into passages: the units the index ranks and a search
/// shows.
///
/// A passage holds about 100 to 200 words. It ends, by preference, at a
/// paragraph boundary (`\n` in normalized text) once it has 100 words, else
/// at a sentence end once it has 150; it never grows past 200 words unless a
/// single sentence does, which is then cut at 200 words. A short tail (under
/// 30 words) joins the passage before it.
///
/// **Across a page break.** A document's pages are cut together
/// (``split(pages:)``): when a page's last paragraph stops mid-sentence
/// (ten words or more, so that a caption or a heading does not count, and
/// nothing at its end that closes a sentence or a list item: `.`, `!`,
/// `?`, `…`, `;`, `:`, nor a number, as a table's or a contents page's
/// line) and the next page goes on with it (it opens in lower case, as the
/// rest of a sentence does and a heading, a table's header or a new
/// paragraph does not, and not with a list item's mark, `a)`, `iv.`), the
/// page's last passage goes on with the next page's first sentence, up to
/// the end of its first sentence or paragraph (at most
/// ``continuationWords`` words). The passage belongs to the page where it
/// starts and says how far onto the next it goes (``PassageRange/next``);
/// the next page's own passages start after it, so no text is in two
/// passages. A passage spans two pages at most, and pages joined one to
/// the next stop joining past ``chainBytes``.
public enum PassageSplitter {
    /// Preferred least number of words.
    public static let minimumWords = 100
    /// Largest number of words.
    public static let maximumWords = 200

    struct Word {
        var start: Int
        var end: Int
        var endsSentence: Bool
        var endsParagraph: Bool
    }

    /// Most words a passage takes from the next page.
    public static let continuationWords = 80
    /// Fewest words of a page's last paragraph for it to run onto the next page.
    static let unfinishedParagraphWords = 10
    /// Most bytes of text of pages that run onto each other: the catalog
    /// keeps such pages in one text block (about 32 KiB), so a book of
    /// continuous prose must not make one chain of all its pages; past this,
    /// a page break is a passage break again.
    public static let chainBytes = 64 * 1024

    /// Passages of each of a document's pages (`texts`, in order), as
    /// scalar offsets in its page; a page's last passage may go on onto the
    /// next page (``PassageRange/next``). `joins` says, for each page,
    /// whether its text may run onto the next (false for a page read by OCR
    /// or waiting for it: OCR replaces a page's passages alone).
    public static func split(pages texts: [String], joins: [Bool]? = nil) -> [[PassageRange]] {
        var taken = 0  // scalars of the current page the previous page's last passage took
        var chain = 0  // bytes of the pages joined so far, up to this one
        var result: [[PassageRange]] = []
        // Each page's words found once: for its passages, its end, and as the next page, its head.
        var page = texts.first.map(Page.init)
        for i in texts.indices {
            guard let current = page else { break }
            let next = i + 1 < texts.count ? Page(texts[i + 1]) : nil
            chain = (taken > 0 ? chain : 0) + texts[i].utf8.count + 1
            var passages = split(current.words.drop { $0.start < taken })
            taken = 0
            if let next, !passages.isEmpty, joins?[i] ?? true, joins?[i + 1] ?? true,
               chain + texts[i + 1].utf8.count <= chainBytes, endsUnfinished(current), let head = head(next) {
                passages[passages.count - 1].next = head
                taken = head
            }
            result.append(passages)
            page = next
        }
        return result
    }

    /// A page's scalars and its words.
    struct Page {
        let scalars: [Unicode.Scalar]
        let words: [Word]

        init(_ text: String) {
            scalars = Array(text.unicodeScalars)
            words = PassageSplitter.words(scalars[...])
        }
    }

    /// Whether the last paragraph of a page stops mid-sentence.
    static func endsUnfinished(_ page: Page) -> Bool {
        let (scalars, words) = (page.scalars, page.words)
        guard let last = words.last else { return false }
        guard !last.endsSentence, !endsWithStop(scalars, last), !";:".unicodeScalars.contains(scalars[last.end - 1]),
              scalars[last.start..<last.end].contains(where: \.properties.isAlphabetic) else {
            return false  // a sentence, a list item, or a table's or a contents page's number ends there
        }
        var count = 0
        for word in words.reversed() {
            if count > 0, word.endsParagraph { break }
            count += 1
            if count >= unfinishedParagraphWords { return true }
        }
        return false
    }

    static func endsWithStop(_ scalars: [Unicode.Scalar], _ word: Word) -> Bool {
        var k = word.end - 1
        while k > word.start, "\"')]»”’".unicodeScalars.contains(scalars[k]) { k -= 1 }
        return ".!?…".unicodeScalars.contains(scalars[k])
    }

    /// How many scalars of a page's text (`scalars`) the previous page's
    /// last passage goes on with: its first sentence or paragraph, at most
    /// ``continuationWords`` words; nil when the page has no text.
    static func head(_ page: Page) -> Int? {
        let (scalars, words) = (page.scalars, page.words)
        // The rest of a sentence opens in lower case; a heading, a table's header or a list item ("a)", "iv.") does not go on with it.
        guard let first = words.first, scalars[first.start].properties.isLowercase,
              !opensItem(String(String.UnicodeScalarView(scalars[first.start..<first.end]))) else { return nil }
        var k = 0
        while k < words.count - 1, k < continuationWords - 1, !words[k].endsParagraph, !words[k].endsSentence {
            k += 1
        }
        return words[k].end
    }

    /// Whether a page's first word opens a list item or a numbered
    /// heading: a bullet or a dash, `(a)`, `a)`, `iv.`, `12.`, `3.4`, `#4`.
    static func opensItem(_ word: String) -> Bool {
        guard let first = word.unicodeScalars.first else { return false }
        if "•◦▪‣·-–—*#§".unicodeScalars.contains(first) { return true }
        return word.range(of: #"^(\(?[0-9A-Za-z]{1,4}[.)]|[0-9]+(\.[0-9]+)+\.?)$"#, options: .regularExpression) != nil
    }

    /// Passages of `text`, as scalar offsets.
    public static func split(_ text: String) -> [PassageRange] {
        split(Page(text).words[...])
    }

    /// Passages of a run of a page's `words`, as scalar offsets in the page.
    static func split(_ run: ArraySlice<Word>) -> [PassageRange] {
        let words = Array(run)
        guard !words.isEmpty else { return [] }
        var passages: [(first: Int, last: Int)] = []
        var first = 0
        var k = 0
        while k < words.count {
            let count = k - first + 1
            let word = words[k]
            let cut = count >= maximumWords
                || (count >= minimumWords && word.endsParagraph)
                || (count >= 150 && word.endsSentence)
            if cut {
                passages.append((first, k))
                first = k + 1
            }
            k += 1
        }
        if first < words.count {
            if let last = passages.last, words.count - first < 30, (words.count - 1) - last.first + 1 <= maximumWords + 30 {
                passages[passages.count - 1].last = words.count - 1
            } else {
                passages.append((first, words.count - 1))
            }
        }
        return passages.map { PassageRange(start: words[$0.first].start, end: words[$0.last].end) }
    }

    /// The words of `scalars`, their offsets its indices.
    static func words(_ scalars: ArraySlice<Unicode.Scalar>) -> [Word] {
        var words: [Word] = []
        var i = scalars.startIndex
        let n = scalars.endIndex
        while i < n {
            while i < n, scalars[i] == " " || scalars[i] == "\n" {
                if scalars[i] == "\n", !words.isEmpty { words[words.count - 1].endsParagraph = true }
                i += 1
            }
            guard i < n else { break }
            let start = i
            while i < n, scalars[i] != " ", scalars[i] != "\n" { i += 1 }
            var endsSentence = false
            var k = i - 1
            while k > start, "\"')]»”’".unicodeScalars.contains(scalars[k]) { k -= 1 }
            if ".!?…".unicodeScalars.contains(scalars[k]) {
                // A sentence ends if the next word starts with a capital, a digit or an opening mark.
                var j = i
                while j < n, scalars[j] == " " { j += 1 }
                if j >= n || scalars[j] == "\n" || scalars[j].properties.isUppercase
                    || scalars[j].properties.numericType != nil || "\"'(«“‘".unicodeScalars.contains(scalars[j]) {
                    endsSentence = true
                }
            }
            words.append(Word(start: start, end: i, endsSentence: endsSentence, endsParagraph: false))
        }
        if !words.isEmpty { words[words.count - 1].endsParagraph = true }
        return words
    }
}
