import DossierCore
import Foundation
import Mustache

/// The HTML of every page comes from the Mustache templates in
/// `Templates/` (`layout` holds the page around a `body` block; each page
/// template fills it). `{{value}}` escapes what it inserts, so text from
/// documents and notes cannot become markup: escaping holds by
/// construction, and no page is built by joining strings of HTML.
struct Templates: Sendable {
    let library: MustacheLibrary

    /// The templates shipped with the module, read once.
    static func shipped() throws -> Templates {
        try loaded.get()
    }

    private static let loaded: Result<Templates, Error> = Result { try Templates(folder: try folder()) }

    /// Where the templates are: `$DOSSIER_TEMPLATES`; the resource bundle
    /// SwiftPM puts beside the executable (`Dossier_Web.resources`); the
    /// sources they were built from. A binary copied elsewhere without its
    /// bundle gets a one-line error naming the places looked at, not a crash.
    static func folder() throws -> URL {
        var candidates: [URL] = []
        if let given = ProcessInfo.processInfo.environment["DOSSIER_TEMPLATES"], !given.isEmpty {
            candidates.append(URL(fileURLWithPath: given))
        }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map(URL.init(fileURLWithPath:))
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("Dossier_Web.resources/Templates"))
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Templates"))
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent("layout.mustache").path) {
            return candidate
        }
        throw DossierError.workspace("the web interface's templates were not found (looked in "
            + candidates.map(\.path).joined(separator: ", ") + "); set DOSSIER_TEMPLATES to their folder")
    }

    /// Every `*.mustache` file of `folder`, by name.
    init(folder: URL) throws {
        var library = MustacheLibrary()
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".mustache") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            try library.register(text, named: String(name.dropLast(".mustache".count)))
        }
        self.library = library
    }

    /// `view` rendered with the template `name`.
    func render(_ view: Any, _ name: String) -> String {
        guard let html = library.render(view, withTemplate: name) else { fatalError("no template \(name)") }
        return html
    }
}
