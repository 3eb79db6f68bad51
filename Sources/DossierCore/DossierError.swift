/// The one error type that crosses module boundaries.
///
/// Every failure a user can meet is described by a single line: the CLI prints
/// `description` on stderr and exits with 1, never a stack trace. Stages wrap
/// lower-level errors (SQLite, poppler, the network) into one of these cases so
/// that the message says *what* failed and *where*.
public enum DossierError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The workspace could not be found or is not usable.
    case workspace(String)
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// The catalog database failed.
    case catalog(String)
    /// Anything the user asked for that cannot be done as asked.
    case usage(String)
    /// A note, document, site or kind the workspace does not have (exit 1,
    /// not a usage error: the command was right, the workspace differs).
    case notFound(String)
    /// The index on disk is in a format this version no longer reads; it is
    /// derived data, rebuilt from the catalog.
    case indexFormat(String)

    public var description: String {
        switch self {
        case .workspace(let message): return message
        case .io(let path, let reason): return "\(path): \(reason)"
        case .catalog(let message): return "catalog: \(message)"
        case .usage(let message): return message
        case .notFound(let message): return message
        case .indexFormat(let message): return message
        }
    }
}
