import ArgumentParser
import Catalog
import DossierCore
import Foundation
import SearchService

/// `dossier meta DOC`: a document's citation metadata, where each field
/// comes from, and the user's corrections.
struct MetaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meta",
        abstract: "Show a document's title, authors, date, publisher, DOI and language, with where each comes from; --set corrects one.",
        usage: "dossier meta [<options>] <doc> [--set <field=value> ...]",
        discussion: """
            Fields: title, authors (names separated by ";"), issued (YYYY, YYYY-MM or YYYY-MM-DD; also `year`), \
            publisher, doi, language. Sources, in the order a field takes them: user (--set), landing (the page that \
            linked to the PDF), page (a web page's own tags), xmp, info (the PDF's document information), printed (on \
            the first pages), layout (the first page's largest type), file (the file's creation date), detected. \
            A value set here outlives every later extraction of the document; --unset gives the field back to its sources.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Argument(help: ArgumentHelp("The document: its number, a prefix of its SHA-256 or its path.", valueName: "doc"))
    var document: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Set a field, e.g. --set title='CITES Trade Database guide' --set year=2022.", valueName: "field=value"))
    var assignments: [String] = []

    @Option(name: .customLong("unset"), help: ArgumentHelp("Give a field back to its sources.", valueName: "field"))
    var removals: [String] = []

    @Flag(help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        let workspace = try options.resolve()
        let catalog = try CatalogStore(workspace: workspace)
        guard let record = try catalog.document(matching: document) else {
            throw DossierError.usage("no document '\(document)'; `dossier documents` lists them")
        }
        // Every change is checked before any is made.
        var changes: [(MetadataField, String?)] = []
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw DossierError.usage("--set takes field=value, e.g. --set year=2022 (got '\(assignment.printable)')")
            }
            let name = String(assignment[..<equals]), value = String(assignment[assignment.index(after: equals)...])
            guard let field = MetadataField(typed: name) else { throw Self.unknown(name) }
            switch field.normalize(value) {
            case .success(let normalized): changes.append((field, normalized))
            case .failure(let error): throw DossierError.usage(error.description)
            }
        }
        for name in removals {
            guard let field = MetadataField(typed: name) else { throw Self.unknown(name) }
            changes.append((field, nil))
        }
        for (field, value) in changes { try catalog.setMetadata(document: record.id, field: field, value: value) }
        let metadata = try catalog.metadata(of: record.id)
        if json {
            try Terminal.printJSON(MetadataJSON(document: record.id, metadata: metadata))
            return
        }
        let url = try catalog.documentSource(record.id)?.url
        print("document \(record.id): \(DocumentName.withOrigin(title: metadata[.title], url: url, path: record.path).printable)")
        for field in MetadataField.allCases {
            let name = field.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            guard let value = metadata.values[field] else {
                print("  \(name) —")
                continue
            }
            print("  \(name) \(value.value.printable)  (\(value.source.rawValue))")
            for other in metadata.candidates where other.field == field && !(other.source == value.source && other.value == value.value) {
                print("  \(String(repeating: " ", count: 10))   also \(other.source.rawValue): \(other.value.printable)")
            }
        }
        if !changes.isEmpty {
            print("Set by you, kept through every later extraction: " + changes.map { $0.1 == nil ? "\($0.0.rawValue) unset" : $0.0.rawValue }.joined(separator: ", ") + ".")
        }
    }

    static func unknown(_ name: String) -> DossierError {
        DossierError.usage("no field '\(name.printable)': the fields are " + MetadataField.allCases.map(\.rawValue).joined(separator: ", "))
    }
}

/// `dossier meta --json`: each field's value and source, and every reading.
struct MetadataJSON: Encodable {
    struct Field: Encodable {
        var value: String
        var source: String
    }
    struct Reading: Encodable {
        var field: String
        var source: String
        var value: String
    }
    var document: Int
    var fields: [String: Field]
    var readings: [Reading]

    init(document: Int, metadata: DocumentMetadata) {
        self.document = document
        fields = Dictionary(uniqueKeysWithValues: metadata.values.map { ($0.key.rawValue, Field(value: $0.value.value, source: $0.value.source.rawValue)) })
        readings = metadata.candidates.map { Reading(field: $0.field.rawValue, source: $0.source.rawValue, value: $0.value) }
    }
}
