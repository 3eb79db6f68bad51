import DossierCore
import Foundation

/// Search results as text, and the last search kept for `dossier open`.
extension SearchResults {
    /// Where the last search is kept: `index/last-search.json`.
    static func lastURL(_ workspace: Workspace) -> URL { workspace.index.appendingPathComponent("last-search.json") }

    /// Keeps `output` as the last search.
    public static func saveLast(_ output: Output, workspace: Workspace) throws {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try AtomicFile.write(try encoder.encode(output), to: lastURL(workspace))
    }

    /// The last search.
    public static func loadLast(_ workspace: Workspace) throws -> Output {
        guard let data = try? Data(contentsOf: lastURL(workspace)) else {
            throw DossierError.usage("no search yet: run `dossier search QUERY` first")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        guard let output = try? decoder.decode(Output.self, from: data) else {
            throw DossierError.usage("the last search (index/last-search.json) cannot be read: run `dossier search QUERY` again")
        }
        return output
    }

    /// Where a result is: `p. 14 (printed 12)`, `pp. 14–15` for a passage
    /// running onto the next page, or `note:line`.
    public static func place(_ r: Result) -> String {
        if r.document.kind == .note { return "\(r.document.path.printable):\(r.line ?? 0)" }
        let scan = r.ocr ? ", scanned: OCR" + (r.ocrConfidence.map { " \(Int($0.rounded()))%" } ?? "") : ""
        let pages = r.endPage.map { "pp. \(r.page)–\($0)" } ?? "p. \(r.page)"
        if let label = r.pageLabel, label != String(r.page) { return "\(pages) (printed \(label.printable)\(scan))" }
        return pages + (scan.isEmpty ? "" : " (\(scan.dropFirst(2)))")
    }

    /// The results as the command line prints them, line by line;
    /// `highlight` marks a snippet's matches and `bold` a title (a
    /// terminal's colours, or brackets). Every string of the catalog is
    /// printed ``Swift/String/printable``.
    public static func text(_ output: Output, flat: Bool, offset: Int, limit: Int = 10, highlight: (String, [[Int]]) -> String,
                            bold: (String) -> String) -> [String] {
        // Where the last page starts, for an --offset past the end.
        func lastPage(_ count: Int) -> Int { max(0, (count - 1) / max(1, limit) * max(1, limit)) }
        var lines: [String] = []
        func print(_ line: String) { lines.append(line) }
        if output.total == 0 {
            print("No passages match \(output.query).")
            let words = output.query.split(separator: " ").filter { !["AND", "OR", "NOT"].contains($0) && !$0.hasPrefix("-") }
            if words.count > 1 { print("All words must match; for any of them try: dossier search \(Shell.quote(words.joined(separator: " OR ")))") }
            return lines
        }
        var lastDocument = -1
        var shownInDocument = 0
        // The words of the query, for a search of any of them.
        let anyWords = output.query.split(separator: " ").filter { !["AND", "OR", "NOT"].contains($0) && !$0.hasPrefix("-") }
            .joined(separator: " OR ")
        func more(_ previous: Result?) {
            guard !flat, let previous, let matches = previous.document.matches, matches > shownInDocument else { return }
            let rest = matches - shownInDocument
            let together = previous.document.wordsTogether != false
            let query = together ? output.query : anyWords
            print("     … \(rest) more passage\(rest == 1 ? "" : "s") \(together ? "in this document" : "with some of the words"): dossier search \(Shell.quote(query)) --doc \(previous.document.id) --flat")
        }
        var previous: Result?
        for result in output.results {
            if flat || result.document.id != lastDocument {
                more(previous)
                shownInDocument = 0
                print("")
                let source = (result.document.url ?? result.document.path).printable
                let ranked = flat ? "" : result.document.score.map { "  document score \(String(format: "%.3f", $0))" } ?? ""
                print("\(bold(DocumentName.of(title: result.document.title, url: result.document.url, path: result.document.path).printable))  [\(result.document.kind.rawValue)] \(source)\(ranked)")
                if result.document.kind != .note {
                    for citation in result.citations.prefix(3) {
                        let box = citation.task == .done ? "[x] " : citation.task == .open ? "[ ] " : ""
                        let heading = citation.heading.map { " § \($0.printable)" } ?? ""
                        let page = citation.page.map { " (p. \($0))" } ?? ""
                        print("  cited at \(citation.note.printable):\(citation.line)\(page)  \(box)\(citation.label.printable)\(heading)")
                    }
                    if result.citations.count > 3 { print("  … and \(result.citations.count - 3) more note lines") }
                }
                if !flat, result.document.wordsTogether == false {
                    print("  the words are on different pages of this document: each word's best passage")
                }
                lastDocument = result.document.id
            }
            let section = result.section.map { " · \($0.printable)" } ?? ""
            print("  \(result.rank). \(place(result))\(section)  score \(String(format: "%.3f", result.score))")
            print("     \(highlight(result.snippet.printable, result.highlights))")
            shownInDocument += 1
            previous = result
        }
        more(previous)
        let took = "(\(String(format: "%.1f", output.tookMs)) ms)"
        // Totals that are lower bounds (counting stopped at --count-up-to) say so.
        let exact = output.totalRelation == "eq"
        let over = exact ? "" : "at least "
        guard let documents = output.totalDocuments else {
            let matched = "\(over)\(output.total) passage\(output.total == 1 && exact ? " matches" : "s match")"
            let shown = output.results.count
            if shown == 0, limit == 0 {
                print("\n\(matched); showing none (--limit 0) \(took).")
            } else if shown == 0, output.total > 0 {
                print("\n\(matched); --offset \(offset) is past the last of them" + (exact ? " (the last page is --offset \(lastPage(output.total)))" : "") + " \(took).")
            } else {
                let range = shown == 1 ? "passage \(offset + 1)" : "passages \(offset + 1)–\(offset + shown)"
                print("\n\(matched); showing \(shown == 0 ? "none" : range) \(took). `dossier open N` opens result N at its page."
                    + (offset + shown < output.total || (!exact && shown == limit) ? " More: --offset \(offset + shown)." : ""))
            }
            return lines
        }
        let matched = SearchResults.matchedSummary(output)
        let exactDocuments = output.totalDocumentsRelation.map { $0 == "eq" } ?? exact
        let shown = Set(output.results.map(\.document.id)).count
        if shown == 0, limit == 0 {
            print("\n\(matched); showing none (--limit 0) \(took).")
        } else if shown == 0 {
            print("\n\(matched); --offset \(offset) is past the last of them" + (exactDocuments ? " (the last page is --offset \(lastPage(documents)))" : "") + " \(took).")
        } else {
            let range = shown == 1 ? "document \(offset + 1)" : "documents \(offset + 1)–\(offset + shown)"
            print("\n\(matched); showing \(range) \(took). `dossier open N` opens result N at its page."
                + (offset + shown < documents || (!exactDocuments && shown == limit) ? " More: --offset \(offset + shown)." : ""))
        }
        return lines
    }
}
