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

    /// `text` with the `[start, end)` scalar ranges in bold, when stdout is a
    /// terminal and NO_COLOR is not set; in brackets otherwise.
    static func highlight(_ text: String, _ ranges: [[Int]]) -> String {
        let color = stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        let (open, close) = color ? ("\u{1B}[1;33m", "\u{1B}[0m") : ("[", "]")
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        for range in ranges where range.count == 2 && range[0] >= i && range[1] <= scalars.count {
            out.append(contentsOf: scalars[i..<range[0]])
            out.append(contentsOf: open.unicodeScalars)
            out.append(contentsOf: scalars[range[0]..<range[1]])
            out.append(contentsOf: close.unicodeScalars)
            i = range[1]
        }
        out.append(contentsOf: scalars[i...])
        return String(out)
    }

    /// Bold on a terminal (unless NO_COLOR), plain otherwise.
    static func bold(_ text: String) -> String {
        stdoutIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    /// Whether stdout is a terminal.
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}
