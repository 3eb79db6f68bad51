import DossierCore
import Foundation

/// Writing to the terminal: stdout for results, stderr for errors and warnings.
enum Terminal {
    /// Prints `dossier: error: message` on stderr.
    static func error(_ message: String) {
        writeError("dossier: error: \(message)\n")
    }

    /// Prints `dossier: warning: message` on stderr.
    static func warning(_ message: String) {
        writeError("dossier: warning: \(message)\n")
    }

    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Encodes `value` as pretty, key-sorted JSON with snake_case keys and prints it.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    /// Whether stdout is a terminal.
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
