import DossierCore
import Foundation

/// `[ref]: https://…` definitions, collected before the walk so that a
/// reference link may come before its definition.
extension LineParser {
    mutating func collectDefinitions() {
        var fence: (char: UInt8, count: Int)?
        for (index, line) in lines.enumerated() {
            if let open = fence {
                if let close = fenceMarker(line), close.char == open.char, close.count >= open.count { fence = nil }
                continue
            }
            if let marker = fenceMarker(line) { fence = (marker.char, marker.count); continue }
            guard let definition = parseDefinition(line, number: index + 1) else { continue }
            definitionLines.insert(index + 1)
            let key = Self.referenceKey(definition.label)
            if definitions[key] == nil { definitions[key] = definition }
        }
    }

    func parseDefinition(_ line: [UInt8], number: Int) -> Definition? {
        var i = 0
        while i < line.count, i < 4, line[i] == 0x20 { i += 1 }
        guard i < 4, i < line.count, line[i] == UInt8(ascii: "[") else { return nil }
        let open = i
        var j = i + 1
        while j < line.count, line[j] != UInt8(ascii: "]") {
            if line[j] == UInt8(ascii: "[") { return nil }
            j += line[j] == UInt8(ascii: "\\") ? 2 : 1
        }
        guard j + 1 < line.count, line[j + 1] == UInt8(ascii: ":") else { return nil }
        let label = string(line[(open + 1)..<j])
        guard !label.allSatisfy(\.isWhitespace), !label.hasPrefix("^") else { return nil }
        var k = j + 2
        while k < line.count, isSpace(line[k]) { k += 1 }
        guard k < line.count else { return nil }
        var destination: String
        if line[k] == UInt8(ascii: "<") {
            guard let close = line[(k + 1)...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
            destination = string(line[(k + 1)..<close])
            k = close + 1
        } else {
            let start = k
            while k < line.count, !isWhitespace(line[k]) { k += 1 }
            destination = string(line[start..<k])
        }
        destination = unescape(destination)
        // What follows may only be a title.
        while k < line.count, isSpace(line[k]) { k += 1 }
        if k < line.count {
            let quote = line[k]
            guard quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") || quote == UInt8(ascii: "(") else { return nil }
        }
        return Definition(url: destination, line: number, column: scalarCount(line, upTo: open) + 1,
                          label: inlineText(line[(open + 1)..<j]))
    }

    static func referenceKey(_ label: String) -> String {
        label.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
    }
}
