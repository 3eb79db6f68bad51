import Foundation

/// What a workspace keeps for itself in `dossier.json` at its root (beside
/// `corpus/`, tracked with the notes), so that every command, the nightly
/// update and the web's Update button read scans alike:
///
/// ```json
/// { "ocr": { "languages": "eng+fra+spa", "budget_minutes": 30 },
///   "languages": { "corpus/library/rapports/": "fr", "https://cites.org/sites/default/files/esp/x.pdf": "es" } }
/// ```
///
/// `languages` sets the language of documents whose text Dossier would
/// tell wrongly (a report of tables, a bilingual one): each key is a
/// workspace-relative folder or file (`library/…` reads as
/// `corpus/library/…`) or a cited URL, each value a language code; the
/// longest key that names a document wins.
///
/// Every key is optional; a command's flags and `$DOSSIER_OCR_LANGUAGES`
/// come before the file, the file before the defaults.
public struct WorkspaceSettings: Codable, Sendable, Equatable {
    /// How scanned pages are read.
    public struct OCR: Codable, Sendable, Equatable {
        /// Tesseract's languages, joined by `+`.
        public var languages: String?
        /// Minutes an update may spend on OCR.
        public var budgetMinutes: Double?
    }

    /// How scanned pages are read.
    public var ocr: OCR?
    /// Languages of documents, by folder, file or URL (see the type's description).
    public var languages: [String: String]?

    /// No settings: the defaults everywhere.
    public init() {}

    /// The settings of `workspace`: empty when it has no `dossier.json`; a
    /// file that is not valid is an error naming the file and the fault.
    public static func read(_ workspace: Workspace) throws -> WorkspaceSettings {
        let file = workspace.settingsFile
        guard let data = try? Data(contentsOf: file) else { return WorkspaceSettings() }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            let settings = try decoder.decode(WorkspaceSettings.self, from: data)
            if let languages = settings.ocr?.languages, !Self.validLanguages(languages) {
                throw DossierError.workspace("\(file.path): ocr.languages takes Tesseract's names joined by +, e.g. eng+fra+spa")
            }
            for (key, code) in settings.languages ?? [:] where key.isEmpty || code.count != 2 || !code.allSatisfy({ $0.isASCII && $0.isLetter }) {
                throw DossierError.workspace("\(file.path): languages maps a folder, file or URL to a two-letter language code, e.g. \"library/rapports/\": \"fr\"")
            }
            if let budget = settings.ocr?.budgetMinutes, budget < 0 {
                throw DossierError.workspace("\(file.path): ocr.budget_minutes must be 0 or more")
            }
            return settings
        } catch let error as DossierError {
            throw error
        } catch {
            throw DossierError.workspace("\(file.path) is not valid settings JSON (\(error.localizedDescription))")
        }
    }

    /// The language `languages` sets for a document at `paths` (workspace
    /// relative) fetched from `urls`: the longest key naming one of them.
    public func language(paths: [String], urls: [String]) -> String? {
        var best: (length: Int, code: String)?
        for (key, code) in languages ?? [:] {
            var candidates = [key.hasPrefix("./") ? String(key.dropFirst(2)) : key]
            if !candidates[0].hasPrefix("corpus/") && !candidates[0].contains("://") { candidates.append("corpus/" + candidates[0]) }
            let names = urls.contains(key) || candidates.contains { c in
                paths.contains { $0 == c || (c.hasSuffix("/") && $0.hasPrefix(c)) || $0.hasPrefix(c + "/") }
            }
            if names, key.count > (best?.length ?? -1) { best = (key.count, code.lowercased()) }
        }
        return best?.code
    }

    /// Whether `languages` is Tesseract's language names joined by `+`.
    public static func validLanguages(_ languages: String) -> Bool {
        !languages.isEmpty && languages.split(separator: "+", omittingEmptySubsequences: false)
            .allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "_") } }
    }
}

extension Workspace {
    /// `dossier.json`: the workspace's settings (``WorkspaceSettings``).
    public var settingsFile: URL { root.appendingPathComponent("dossier.json") }
}
