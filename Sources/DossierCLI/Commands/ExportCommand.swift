import ArgumentParser
import Catalog
import DossierCore
import Foundation

/// `dossier export passages`: the indexed passages as JSON lines.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the indexed passages as JSON lines.",
        discussion: """
            `dossier export passages` writes one line per passage, {passage_id, document_id, page, page_label, language, text}, \
            with exactly the text that was indexed and the language it was analyzed in, so that anyone can build an FTS5 table \
            from it (rowid = passage_id) and check Dossier's results: for passages in English, \
            tokenize = 'porter unicode61 remove_diacritics 2'; in other languages, Dossier's tokenizer (Sources/CDossierFTS5, \
            tokenize = 'dossier'), given the text after the byte 27, the language's code and the byte 27.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Argument(help: "What to export: passages.")
    var what: String

    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    struct Line: Encodable {
        var passageId: Int64
        var documentId: Int
        var page: Int
        var pageLabel: String?
        var language: String
        var text: String

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(passageId, forKey: .passageId)
            try c.encode(documentId, forKey: .documentId)
            try c.encode(page, forKey: .page)
            try c.encode(pageLabel, forKey: .pageLabel)
            try c.encode(language, forKey: .language)
            try c.encode(text, forKey: .text)
        }

        enum CodingKeys: String, CodingKey { case passageId, documentId, page, pageLabel, language, text }
    }

    func run() throws {
        guard what == "passages" else { throw ValidationError("can only export 'passages'") }
        let workspace = try options.resolve()
        let catalog = try CatalogStore(workspace: workspace)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var buffer = Data()
        try catalog.forEachPassage { record in
            buffer.append(try encoder.encode(Line(passageId: record.id, documentId: record.documentID, page: record.page,
                                                  pageLabel: record.pageLabel, language: record.language ?? "en", text: record.text)))
            buffer.append(0x0A)
        }
        if let output {
            try AtomicFile.write(buffer, to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(buffer)
        }
    }
}
