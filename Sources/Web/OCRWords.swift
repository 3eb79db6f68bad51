import Analysis
import Foundation

/// The boxes to outline on a scanned page: the words OCR read there
/// (`[[text, confidence, x1, y1, x2, y2], …]` as the catalog keeps them)
/// whose terms, analyzed as the index analyzes, are among `terms` (a term
/// ending in `*` is a prefix).
enum OCRWords {
    static func boxes(_ json: String, terms: [String]) -> [[Double]] {
        let exact = Set(terms.filter { !$0.hasSuffix("*") })
        let prefixes = terms.filter { $0.hasSuffix("*") }.map { String($0.dropLast()) }.filter { !$0.isEmpty }
        guard !exact.isEmpty || !prefixes.isEmpty,
              let words = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[Any]] else { return [] }
        let analyzer = Analyzer()
        var out: [[Double]] = []
        for word in words where word.count == 6 {
            guard let text = word[0] as? String else { continue }
            let box = word[2...5].compactMap { ($0 as? NSNumber)?.doubleValue }
            guard box.count == 4 else { continue }
            var matched = false
            analyzer.tokenize(text) { term, _, _ in
                let token = String(decoding: term, as: UTF8.self)
                if exact.contains(token) || prefixes.contains(where: { token.hasPrefix($0) }) { matched = true }
            }
            if matched { out.append(box) }
        }
        return out
    }
}
