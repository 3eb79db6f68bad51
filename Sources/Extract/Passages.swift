import DossierCore
/// Cuts a page's text into passages: the units the index ranks and a search
/// shows.
///
/// A passage holds about 100 to 200 words. It ends, by preference, at a
/// paragraph boundary (`\n` in normalized text) once it has 100 words, else
/// at a sentence end once it has 150; it never grows past 200 words unless a
/// single sentence does, which is then cut at 200 words. A short tail (under
/// 30 words) joins the passage before it. A passage never spans two pages:
/// the splitter sees one page at a time.
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

    /// Passages of `text`, as scalar offsets.
    public static func split(_ text: String) -> [PassageRange] {
        let words = self.words(Array(text.unicodeScalars))
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

    static func words(_ scalars: [Unicode.Scalar]) -> [Word] {
        var words: [Word] = []
        var i = 0
        let n = scalars.count
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
