import Foundation

/// What a document says of itself, for citing it: its title, authors,
/// date, publisher, DOI and language, each with where it was read.
///
/// A field may be read in several places, and they disagree: a PDF's
/// document information says "Historical_summary_of_annotations" where its
/// first page prints the title; its creation date is when the file was
/// written, not when the report came out. Extraction records every reading
/// as a ``MetadataCandidate``; ``DocumentMetadata/resolve(_:)`` takes, for
/// each field, the first reading in that field's order of sources
/// (``MetadataField/precedence``). What the user set (`dossier meta N
/// --set`) comes first of all, and survives extraction.
public enum MetadataField: String, Codable, CaseIterable, Sendable {
    /// The document's title.
    case title
    /// Its authors, persons or organizations, "; " between them.
    case authors
    /// When it was issued: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    case issued
    /// Who published it.
    case publisher
    /// Its DOI (`10.…/…`, without `https://doi.org/`).
    case doi
    /// The language it is written in (ISO 639-1, or a BCP 47 tag).
    case language

    /// The sources a field is read from, best first.
    ///
    /// The landing page a PDF was found through is first after the user: a
    /// publisher writes its `citation_*` tags for citation managers. A
    /// date printed on the cover comes before the file's own dates: the
    /// Spanish guide to the CITES Trade Database says "Octubre de 2013",
    /// its file was written in January 2014.
    public var precedence: [MetadataSource] {
        switch self {
        case .title: return [.user, .landing, .page, .xmp, .info, .layout, .catalog]
        case .authors: return [.user, .landing, .page, .xmp, .info, .catalog]
        case .issued: return [.user, .landing, .page, .printed, .xmp, .file, .catalog]
        case .publisher: return [.user, .landing, .page, .xmp, .catalog]
        case .doi: return [.user, .landing, .page, .xmp, .printed, .catalog]
        case .language: return [.user, .landing, .page, .xmp, .detected, .catalog]
        }
    }

    /// The field a name typed by the user means (`dossier meta --set`):
    /// its own name, or `author`, `year`, `date`, `lang`.
    public init?(typed name: String) {
        switch name.lowercased() {
        case "author": self = .authors
        case "year", "date": self = .issued
        case "lang": self = .language
        default:
            guard let field = MetadataField(rawValue: name.lowercased()) else { return nil }
            self = field
        }
    }

    /// A value typed for this field, checked and put in its stored form;
    /// nil with the reason when it cannot be one.
    public func normalize(_ value: String) -> Result<String, MetadataValueError> {
        let trimmed = value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard !trimmed.isEmpty else { return .failure(MetadataValueError("\(rawValue) is empty; use --unset \(rawValue)")) }
        switch self {
        case .issued:
            guard let date = MetadataDate.normalize(trimmed) else {
                return .failure(MetadataValueError("\(trimmed) is no date: give YYYY, YYYY-MM or YYYY-MM-DD"))
            }
            return .success(date)
        case .doi:
            guard let doi = MetadataDOI.find(in: trimmed) else {
                return .failure(MetadataValueError("\(trimmed) is no DOI: a DOI reads 10.NNNN/…"))
            }
            return .success(doi)
        case .language:
            let tag = trimmed.replacingOccurrences(of: "_", with: "-")
            guard tag.range(of: #"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"#, options: .regularExpression) != nil else {
                return .failure(MetadataValueError("\(trimmed) is no language code: give one such as en, fr or es-MX"))
            }
            return .success(tag)
        case .authors:
            return .success(MetadataAuthors.split(trimmed).joined(separator: "; "))
        case .title, .publisher:
            return .success(trimmed)
        }
    }
}

/// A value that cannot be the field's, and why.
public struct MetadataValueError: Error, CustomStringConvertible, Sendable {
    /// One line.
    public var description: String
    /// Creates the error.
    public init(_ description: String) { self.description = description }
}

/// Where a reading of a field comes from.
public enum MetadataSource: String, Codable, CaseIterable, Sendable {
    /// The user, through `dossier meta N --set`.
    case user
    /// The landing page through which the PDF was found (its `citation_*`,
    /// Dublin Core and Open Graph tags).
    case landing
    /// A web page's own tags (`citation_*`, Open Graph, JSON-LD, Dublin
    /// Core, `<title>`, `<html lang>`).
    case page
    /// The PDF's XMP metadata packet (Dublin Core and PRISM).
    case xmp
    /// The PDF's document information dictionary.
    case info
    /// Printed on the first pages: a date on the cover, a copyright year,
    /// a DOI.
    case printed
    /// The first page's layout: the text in its largest type.
    case layout
    /// The file's creation date (the XMP's or the document information's):
    /// when the file was written, which is often later than the work.
    case file
    /// Told from the text (the language).
    case detected
    /// Stored before readings had sources (the catalog's columns).
    case catalog
}

/// One reading of one field.
public struct MetadataCandidate: Codable, Equatable, Hashable, Sendable {
    /// The field read.
    public var field: MetadataField
    /// Where.
    public var source: MetadataSource
    /// The value, in the field's stored form.
    public var value: String

    /// Creates a reading.
    public init(_ field: MetadataField, _ source: MetadataSource, _ value: String) {
        self.field = field
        self.source = source
        self.value = value
    }
}

/// A document's metadata: for each field, the value taken and where it came
/// from, and every other reading.
public struct DocumentMetadata: Sendable, Equatable {
    /// A field's value and its source.
    public struct Value: Sendable, Equatable {
        /// The value.
        public var value: String
        /// Where it was read.
        public var source: MetadataSource
    }

    /// The value taken for each field that has one.
    public var values: [MetadataField: Value]
    /// Every reading, each field's in its order of sources.
    public var candidates: [MetadataCandidate]

    /// The value of `field`, if any.
    public subscript(_ field: MetadataField) -> String? { values[field]?.value }

    /// Each field's first reading in its order of sources. Readings from a
    /// source a field does not take from are kept among ``candidates`` but
    /// never taken.
    public static func resolve(_ readings: [MetadataCandidate]) -> DocumentMetadata {
        var values: [MetadataField: Value] = [:]
        var ordered: [MetadataCandidate] = []
        for field in MetadataField.allCases {
            let own = readings.filter { $0.field == field && !$0.value.isEmpty }
            for source in field.precedence {
                for reading in own where reading.source == source && !ordered.contains(reading) {
                    if values[field] == nil { values[field] = Value(value: reading.value, source: source) }
                    ordered.append(reading)
                }
            }
        }
        return DocumentMetadata(values: values, candidates: ordered)
    }
}

/// Dates as metadata gives them, to `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
public enum MetadataDate {
    /// The date `text` starts with: ISO 8601 (`2022-10-06T20:28:15+01:00`,
    /// `2022-10`, `2022`), with slashes or dots (`2018/07/23`), or a PDF
    /// date (`D:20221006…`); nil when it does not start with one or the
    /// year is before 1000 or after 2999.
    public static func normalize(_ text: String) -> String? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest.hasPrefix("D:") {
            rest = rest.dropFirst(2)
            let digits = rest.prefix(while: \.isASCIIDigit)
            guard digits.count >= 4 else { return nil }
            let year = digits.prefix(4), month = digits.dropFirst(4).prefix(2), day = digits.dropFirst(6).prefix(2)
            return compose(year, month.count == 2 ? month : nil, day.count == 2 ? day : nil)
        }
        let parts = rest.split(maxSplits: 3, omittingEmptySubsequences: false) { $0 == "-" || $0 == "/" || $0 == "." || $0 == "T" || $0 == " " }
        guard let first = parts.first, first.count == 4, first.allSatisfy(\.isASCIIDigit) else { return nil }
        let month = parts.count > 1 && parts[1].count <= 2 && !parts[1].isEmpty && parts[1].allSatisfy(\.isASCIIDigit) ? parts[1] : nil
        let day = month != nil && parts.count > 2 ? parts[2].prefix(2) : nil
        return compose(first, month, day.flatMap { $0.allSatisfy(\.isASCIIDigit) && !$0.isEmpty ? $0 : nil })
    }

    /// `year`, `year-month`, `year-month-day`, checked.
    static func compose(_ year: Substring, _ month: Substring?, _ day: Substring?) -> String? {
        guard let y = Int(year), (1000...2999).contains(y) else { return nil }
        guard let month, let m = Int(month), (1...12).contains(m) else { return String(y) }
        let ym = String(format: "%04d-%02d", y, m)
        guard let day, let d = Int(day), (1...31).contains(d) else { return ym }
        return ym + String(format: "-%02d", d)
    }

    /// The parts of a stored date: `[year]`, `[year, month]` or `[year, month, day]`.
    public static func parts(_ stored: String) -> [Int] {
        stored.split(separator: "-").prefix(3).compactMap { Int($0) }
    }
}

/// DOIs in text.
public enum MetadataDOI {
    /// The first DOI in `text` (`10.` four to nine digits, `/`, a suffix),
    /// whether bare, after `doi:` or in a `doi.org` URL, without the
    /// punctuation that ends a sentence after it.
    public static func find(in text: String) -> String? {
        guard let range = text.range(of: #"10\.[0-9]{4,9}/[^\s"<>]+"#, options: .regularExpression) else { return nil }
        var doi = String(text[range])
        while let last = doi.last, ".,;:)]}'".contains(last) {
            // A closing bracket that has its opening one inside the DOI stays.
            if last == ")", doi.filter({ $0 == "(" }).count >= doi.filter({ $0 == ")" }).count { break }
            doi.removeLast()
        }
        return doi.count > 8 ? doi : nil
    }
}

/// Authors as metadata writes them.
public enum MetadataAuthors {
    /// The names in one author string: split at ";", " / " and " | "
    /// ("UNEP-WCMC / CITES Secretariat" is two authors), each trimmed.
    /// Placeholders a program writes for its user ("Administrator",
    /// "Microsoft Office User", an e-mail address) are left out.
    public static func split(_ text: String) -> [String] {
        var names = [text]
        for separator in [";", " / ", " | "] {
            names = names.flatMap { $0.components(separatedBy: separator) }
        }
        return names.map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
            .filter { !$0.isEmpty && !isPlaceholder($0) }
    }

    /// Whether `name` is what a program writes when nobody gave a name.
    public static func isPlaceholder(_ name: String) -> Bool {
        let lower = name.lowercased()
        if lower.contains("@") || lower.hasPrefix("http") { return true }
        if lower.unicodeScalars.filter(\.properties.isAlphabetic).count < 2 { return true }
        let placeholders: Set<String> = [
            "administrator", "admin", "user", "owner", "author", "unknown", "anonymous", "none", "n/a", "guest",
            "microsoft office user", "windows user", "office user", "utilisateur", "usuario", "benutzer", "test",
        ]
        if placeholders.contains(lower) { return true }
        // A login name: one lower-case word with a digit, or an all-lower-case single token.
        if !lower.contains(" "), name == lower, name.count <= 12 { return true }
        return false
    }
}

extension Character {
    /// An ASCII digit.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
