import Analysis
import Catalog
import DossierCore

/// The language pass of an update: after extraction and OCR, before the
/// index, every page whose language is not told yet (a new document, a page
/// OCR has just read, a catalog made before languages) is read by the
/// ``Analysis/LanguageDetector``, and its document's language is told from
/// the votes of all its pages. `dossier.json`'s `languages` setting comes
/// first: a document it names takes that language whatever its text says,
/// and one it no longer names is told from its text again.
extension Pipeline {
    /// What the pass did.
    public struct LanguageSummary: Codable, Sendable, Equatable {
        /// Documents whose pages were read for their language.
        public var detected = 0
        /// Documents whose language `dossier.json` set or gave back this time.
        public var fromSettings = 0
        /// Indexed passages stored again to be analyzed in their language.
        public var reanalyzed = 0

        /// What `index` and `update` print of it: nil when no indexed passage changed language.
        public var line: String? {
            guard reanalyzed > 0 else { return nil }
            return "languages  \(reanalyzed) indexed passage\(reanalyzed == 1 ? " is" : "s are") analyzed again, in \(reanalyzed == 1 ? "its" : "their") own language"
        }
    }

    /// Tells the languages still unknown (see the extension's description).
    @discardableResult
    public func tellLanguages(settings: WorkspaceSettings) throws -> LanguageSummary {
        var summary = LanguageSummary()
        try applyLanguageSettings(settings, &summary)
        let detector = LanguageDetector()
        for document in try catalog.documentsAwaitingLanguage() {
            var total = LanguageDetector.Votes()
            var pages: [(index: Int, code: String)] = []
            for page in try catalog.pageTexts(document: document) {
                let votes = detector.votes(page.text)
                total = total + votes
                pages.append((page.index, votes.winner?.code ?? Self.undetermined))
            }
            try catalog.storeLanguages(document: document, pages: pages, detected: total.winner?.code ?? Self.undetermined)
            summary.detected += 1
        }
        summary.reanalyzed = try catalog.assignPassageLanguages()
        return summary
    }

    /// The code stored for a text that does not say its language (ISO 639-2's "undetermined").
    public static let undetermined = "und"

    private func applyLanguageSettings(_ settings: WorkspaceSettings, _ summary: inout LanguageSummary) throws {
        let current = try catalog.languagesFromSettings()
        guard !(settings.languages ?? [:]).isEmpty || !current.isEmpty else { return }
        for (key, code) in settings.languages ?? [:] where Language(code: code) == nil {
            throw DossierError.workspace(
                "\(workspace.settingsFile.path): languages sets \(key) to '\(code)', which Dossier does not know (it knows \(Language.knownCodes))")
        }
        let copies = try catalog.pathsByContent(), urls = try catalog.documentURLs()
        for document in try catalog.documents() {
            let wanted = settings.language(paths: [document.path] + (copies[document.sha256] ?? []), urls: urls[document.id] ?? [])
            guard wanted != current[document.id] else { continue }
            try catalog.setLanguageFromSettings(document: document.id, code: wanted)
            summary.fromSettings += 1
        }
    }
}
