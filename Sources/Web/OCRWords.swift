import Analysis
import Foundation

/// The boxes to outline on a scanned page: the words OCR read there
/// (`[[text, confidence, x1, y1, x2, y2], …]` as the catalog keeps them)
/// whose terms, analyzed as the index analyzes, are among `terms` (a term
/// ending in `*` is a prefix; terms joined by spaces, a phrase: see
/// ``Analysis/TermPatterns``).
enum OCRWords {
    static func boxes(_ json: String, terms: [String]) -> [[Double]] {
        let patterns = TermPatterns(terms)
        guard !patterns.isEmpty, let words = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[Any]] else { return [] }
        let analyzer = Analyzer()
        // Every OCR word's terms in reading order, each with its word's box.
        var tokens: [String] = [], owners: [[Double]] = []
        for word in words where word.count == 6 {
            guard let text = word[0] as? String else { continue }
            let box = word[2...5].compactMap { ($0 as? NSNumber)?.doubleValue }
            guard box.count == 4 else { continue }
            analyzer.tokenize(text) { term, _, _ in
                tokens.append(String(decoding: term, as: UTF8.self))
                owners.append(box)
            }
        }
        var out: [[Double]] = []
        for (box, marked) in zip(owners, patterns.marks(tokens)) where marked && out.last != box { out.append(box) }
        return out
    }
}
