import DossierCore
/// Why a document could not be extracted, in one line.
public enum ExtractionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The PDF asks for a password.
    case encrypted
    /// The file is not a PDF poppler can read.
    case unreadable(String)
    /// The worker process crashed.
    case crashed(String)
    /// The worker process ran out of time.
    case timedOut(seconds: Int)
    /// The worker process failed for another reason.
    case failed(String)

    public var description: String {
        switch self {
        case .encrypted: return "password-protected PDF; Dossier cannot read it"
        case .unreadable(let why): return "not a readable PDF (\(why))"
        case .crashed(let why): return "the extractor crashed on it (\(why))"
        case .timedOut(let seconds): return "extraction took longer than \(seconds) s and was stopped"
        case .failed(let why): return why
        }
    }
}
