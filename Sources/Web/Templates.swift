import Foundation
import Mustache

/// The HTML of every page comes from the Mustache templates in
/// `Templates/` (`layout` holds the page around a `body` block; each page
/// template fills it). `{{value}}` escapes what it inserts, so text from
/// documents and notes cannot become markup: escaping holds by
/// construction, and no page is built by joining strings of HTML.
struct Templates: Sendable {
    let library: MustacheLibrary

    /// The templates shipped with the module.
    static let shipped: Templates = {
        do {
            return try Templates(folder: Bundle.module.resourceURL!.appendingPathComponent("Templates"))
        } catch {
            fatalError("the web templates cannot be read: \(error)")
        }
    }()

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
