import DossierCore
import Foundation

/// A PDF's citation metadata: every reading of its title, authors, date,
/// publisher, DOI and language, each with its source (``MetadataSource``).
///
/// - **XMP** (``XMP``): Dublin Core's title, creators, publishers, date and
///   languages, PRISM's DOI; its creation date counts as the file's.
/// - **Document information**: title and author; the creation date is
///   the file's.
/// - **Printed**: a date set on a line of its own near the top of the
///   first page ("September 2022", "Octubre de 2013", "Generated on 18
///   August 2026 from …"), else a copyright year on the first two pages;
///   a DOI on the first page or in the first pages' running heads and feet.
/// - **Layout**: the first page's text in its largest type.
///
/// Titles a program wrote for its user ("Microsoft Word - draft.docx",
/// "Document1", a file name) are not readings (``DocumentExtractor/looksLikeTitle(_:)``).
enum PDFMetadata {
    /// Every reading of `raw`, whose pages' text (normalized, furniture
    /// off) is `texts` and furniture `furniture`.
    static func candidates(raw: PDFText.RawDocument, texts: [String], furniture: [[String]]) -> [MetadataCandidate] {
        var found: [MetadataCandidate] = []
        let producers = [raw.producer, raw.creator].compactMap { $0 }
        func titled(_ text: String?) -> String? {
            guard let text, DocumentExtractor.looksLikeTitle(text),
                  !producers.contains(where: { $0.trimmingCharacters(in: .whitespaces).caseInsensitiveCompare(text.trimmingCharacters(in: .whitespaces)) == .orderedSame })
            else { return nil }
            return tidyTitle(text)
        }
        let xmp = raw.xmp.flatMap(XMP.read)
        if let title = titled(xmp?.title) { found.append(MetadataCandidate(.title, .xmp, title)) }
        if let title = titled(raw.title) { found.append(MetadataCandidate(.title, .info, title)) }
        let firstPage = texts.first(where: PDFText.hasWords) ?? ""
        // The first page with words as poppler gives it, a line of print to a line of text.
        let printedLines = raw.pages.first(where: { PDFText.hasWords($0.text) })?.text ?? ""
        if let layout = raw.largestText.flatMap({ TextNormalizer.normalize(pages: [$0]).first }) ?? DocumentExtractor.headingLine(printedLines) {
            found.append(MetadataCandidate(.title, .layout, tidyTitle(layout)))
        }
        let xmpAuthors = (xmp?.creators ?? []).flatMap(MetadataAuthors.split)
        if !xmpAuthors.isEmpty { found.append(MetadataCandidate(.authors, .xmp, xmpAuthors.joined(separator: "; "))) }
        let infoAuthors = raw.author.map(MetadataAuthors.split) ?? []
        if !infoAuthors.isEmpty { found.append(MetadataCandidate(.authors, .info, infoAuthors.joined(separator: "; "))) }

        if let printed = printedDate(printedLines) { found.append(MetadataCandidate(.issued, .printed, printed)) }
        if let year = copyrightYear(texts.prefix(2).joined(separator: "\n")) { found.append(MetadataCandidate(.issued, .printed, year)) }
        if let date = xmp?.date.flatMap(MetadataDate.normalize) { found.append(MetadataCandidate(.issued, .xmp, date)) }
        for created in [xmp?.created, raw.created].compactMap({ $0 }) {
            if let date = MetadataDate.normalize(created) { found.append(MetadataCandidate(.issued, .file, date)) }
        }
        if let publisher = xmp?.publishers.first { found.append(MetadataCandidate(.publisher, .xmp, publisher)) }
        if let doi = xmp?.doi.flatMap(MetadataDOI.find(in:)) { found.append(MetadataCandidate(.doi, .xmp, doi)) }
        let heads = furniture.prefix(3).flatMap { $0 }.joined(separator: "\n")
        if let doi = MetadataDOI.find(in: firstPage) ?? MetadataDOI.find(in: heads) { found.append(MetadataCandidate(.doi, .printed, doi)) }
        if let language = xmp?.languages.first { found.append(MetadataCandidate(.language, .xmp, language)) }
        var seen = Set<MetadataCandidate>()
        return found.filter { seen.insert($0).inserted }
    }

    /// A title as a citation shows it: TeX's `--` as a dash, and a title
    /// set in capitals ("HISTORICAL SUMMARY OF ANNOTATIONS") in title
    /// case, short words and acronyms of three letters or fewer kept.
    static func tidyTitle(_ title: String) -> String {
        var text = title.replacingOccurrences(of: " -- ", with: " – ")
        let letters = text.unicodeScalars.filter(\.properties.isAlphabetic)
        let words = text.split(separator: " ")
        if letters.count >= 8, letters.allSatisfy({ !$0.properties.isLowercase }), words.count >= 2 {
            let small: Set<String> = ["of", "and", "the", "a", "an", "in", "on", "for", "to", "at", "by", "or",
                                      "de", "la", "le", "les", "des", "du", "et", "el", "los", "las", "y", "en", "del"]
            text = words.enumerated().map { index, word in
                let lower = word.lowercased()
                if index > 0, small.contains(lower) { return lower }
                // An acronym (CITES, EU, CoP) stays as printed.
                if word.count <= 5, ["CITES", "EU", "UN", "UNEP", "UNODC", "WCMC", "CBD", "CMS", "ICCWC", "IUCN", "WWF"].contains(word) { return String(word) }
                return lower.prefix(1).uppercased() + lower.dropFirst()
            }.joined(separator: " ")
        }
        return text
    }

    /// Month names in the languages of the library, lower case, to their number.
    static let months: [String: Int] = {
        let names: [[String]] = [
            ["january", "janvier", "enero", "januar", "gennaio", "janeiro", "jan"],
            ["february", "février", "fevrier", "febrero", "februar", "febbraio", "fevereiro", "feb"],
            ["march", "mars", "marzo", "märz", "marz", "março", "mar"],
            ["april", "avril", "abril", "aprile", "apr"],
            ["may", "mai", "mayo", "maggio", "maio"],
            ["june", "juin", "junio", "juni", "giugno", "junho", "jun"],
            ["july", "juillet", "julio", "juli", "luglio", "julho", "jul"],
            ["august", "août", "aout", "agosto", "aug"],
            ["september", "septembre", "septiembre", "setiembre", "settembre", "setembro", "sept", "sep"],
            ["october", "octobre", "octubre", "oktober", "ottobre", "outubro", "oct"],
            ["november", "novembre", "noviembre", "novembro", "nov"],
            ["december", "décembre", "decembre", "diciembre", "dezember", "dicembre", "dezembro", "dec"],
        ]
        var map: [String: Int] = [:]
        for (index, list) in names.enumerated() { for name in list { map[name] = index + 1 } }
        return map
    }()

    /// Words that may stand before a date on a cover: "Version 9",
    /// "Generated on", "Published", "Updated", in the library's languages.
    static let leads = #"(?:(?:version|versión|versione|edition|édition|edición|rev(?:ision|ised)?|v)\.?\s*\d+(?:\.\d+)*\s*[-–—:,]?\s*|generated on|published(?: on| in)?|publication date:?|date:?|dated|(?:last )?updated(?: on)?|as (?:of|at)|publié (?:le|en)|mis à jour le|publicado(?: en| el)?|actualizado(?: en| el)?|stand:?|fecha:?)"#

    /// A date on a cover: day (optional), month, year, then the rest of the
    /// line; and the American order, month, day, year. Compiled once.
    static let datePatterns: [NSRegularExpression] = {
        let monthWord = #"(\p{L}{3,10})\.?"#
        return [
            // 18 July 2018 · 18 de julio de 2018 · 1er octobre 2013 · Octubre de 2013 · September 2022
            #"^(?:\#(leads)\s*)?(?:(\d{1,2})(?:st|nd|rd|th|er|º|\.)?\s+(?:de\s+)?)?\#(monthWord)\s+(?:de\s+|del\s+)?(\d{4})\b(.*)$"#,
            // September 18, 2022
            #"^(?:\#(leads)\s*)?\#(monthWord)\s+(\d{1,2}),?\s+(\d{4})\b(.*)$"#,
        ].map { try! NSRegularExpression(pattern: $0, options: [.caseInsensitive]) }
    }()

    /// "© 2022", "Copyright: 2021 …", "(c) 2013". Compiled once.
    static let copyrightPattern = try! NSRegularExpression(pattern: #"(?:©|\(c\)|copyright)\s*:?\s*(?:©\s*)?((?:19|20)\d\d)\b"#,
                                                            options: [.caseInsensitive])

    /// The date printed on a line of its own among the first lines of the
    /// first page: a month and year, with or without a day, in English,
    /// French, Spanish, German, Italian or Portuguese; at most a short lead
    /// before it (``leads``) and six words after it. A date inside a
    /// sentence or a table ("Valid from 1 July 1975") is not the document's.
    static func printedDate(_ firstPage: String, now: Date = Date()) -> String? {
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: now)
        let lines = firstPage.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for line in lines.prefix(15) where line.count <= 100 {
            for (index, regex) in datePatterns.enumerated() {
                guard let match = regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { continue }
                func group(_ i: Int) -> String? {
                    Range(match.range(at: i), in: line).map { String(line[$0]) }
                }
                let (dayText, monthText, yearText, tail) = index == 0 ? (group(1), group(2), group(3), group(4)) : (group(2), group(1), group(3), group(4))
                guard let monthText, let month = months[monthText.lowercased()], let yearText, let year = Int(yearText),
                      (1900...(thisYear + 1)).contains(year) else { continue }
                let tailWords = (tail ?? "").split(whereSeparator: { $0.isWhitespace }).count
                guard tailWords <= 6 else { continue }
                var date = String(format: "%04d-%02d", year, month)
                if let dayText, let day = Int(dayText), (1...31).contains(day) { date += String(format: "-%02d", day) }
                return date
            }
        }
        return nil
    }

    /// A copyright year: "© 2022", "Copyright: 2021 …", "(c) 2013".
    static func copyrightYear(_ text: String, now: Date = Date()) -> String? {
        let thisYear = Calendar(identifier: .gregorian).component(.year, from: now)
        guard let match = copyrightPattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text), let year = Int(text[range]), year <= thisYear + 1 else { return nil }
        return String(year)
    }
}
