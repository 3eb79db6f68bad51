import Foundation
import MCP

/// What a line must be before the SDK's server sees it, as JSON-RPC 2.0
/// says, answered here when it is not (the SDK would answer a parse error
/// with an id of its invention, leave a request with an object or
/// fractional id unanswered, and call parameters it cannot decode an
/// internal error):
///
/// - not JSON: -32700 Parse error, id null;
/// - not a request, notification or response (no `"jsonrpc": "2.0"`, an id
///   that is neither a string nor an integer, a method that is not a
///   string, params that are neither an object nor an array): -32600
///   Invalid Request, with the id when it is one, else null;
/// - a request for a method the server serves whose params do not decode
///   as that method's: -32602 Invalid params, with its id.
///
/// A batch (an array) is passed on as it is: the SDK answers it item by item.
enum MessageCheck {
    /// The most bytes a message may have; a longer line is answered
    /// -32600 without being kept.
    static let maxBytes = 4 << 20

    /// The answer to send instead of passing `line` on; nil: pass it on.
    static func answer(to line: Data) -> Data? {
        guard let json = try? JSONDecoder().decode(Value.self, from: line) else {
            return error(-32700, "Parse error: the message is not JSON", id: nil)
        }
        if case .array = json { return nil }
        guard case .object(let message) = json else {
            return error(-32600, "Invalid Request: a message is a JSON object", id: nil)
        }
        var id: Any?
        switch message["id"] {
        case nil: break
        case .null?:
            // MCP: a request's id must not be null.
            if message["method"] != nil { return error(-32600, "Invalid Request: a request's id is a string or an integer", id: nil) }
        case .string(let text)?: id = text
        case .int(let number)?: id = number
        case .data?:
            // A string id that reads as a data URL: the string as sent, read by the same decoder.
            id = (try? JSONDecoder().decode(StringID.self, from: line))?.id
        default: return error(-32600, "Invalid Request: an id is a string, an integer or null", id: nil)
        }
        guard message["jsonrpc"] == .string("2.0") else {
            return error(-32600, "Invalid Request: \"jsonrpc\" must be \"2.0\"", id: id)
        }
        guard let methodValue = message["method"] else {
            let isResponse = message["id"] != nil && (message["result"] != nil || message["error"] != nil)
            return isResponse ? nil : error(-32600, "Invalid Request: a request names its method", id: id)
        }
        guard case .string(let method) = methodValue else {
            return error(-32600, "Invalid Request: \"method\" is a string", id: id)
        }
        switch message["params"] {
        case nil, .object?, .array?: break
        default: return error(-32600, "Invalid Request: \"params\" is an object or an array", id: id)
        }
        if id != nil, let decode = decoders[method] {
            do {
                try decode(line)
            } catch {
                return Self.error(-32602, "Invalid params for \(method): \(describe(error))", id: id)
            }
        }
        return nil
    }

    /// The answer to a line longer than ``maxBytes``.
    static var tooLong: Data {
        error(-32600, "Invalid Request: a message may hold at most \(maxBytes >> 20) MiB", id: nil)
    }

    /// A message's id read as a string.
    struct StringID: Decodable {
        var id: String
    }

    /// How each method the server serves decodes its request.
    static let decoders: [String: @Sendable (Data) throws -> Void] = [
        Initialize.name: { _ = try JSONDecoder().decode(Request<Initialize>.self, from: $0) },
        ListTools.name: { _ = try JSONDecoder().decode(Request<ListTools>.self, from: $0) },
        CallTool.name: { _ = try JSONDecoder().decode(Request<CallTool>.self, from: $0) },
        ListResources.name: { _ = try JSONDecoder().decode(Request<ListResources>.self, from: $0) },
        ListResourceTemplates.name: { _ = try JSONDecoder().decode(Request<ListResourceTemplates>.self, from: $0) },
        ReadResource.name: { _ = try JSONDecoder().decode(Request<ReadResource>.self, from: $0) },
    ]

    /// A decoding error in one line: what is wrong, and where.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing \((path(context).isEmpty ? "" : path(context) + ".") + key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// A JSON-RPC error answer.
    static func error(_ code: Int, _ message: String, id: Any?) -> Data {
        let answer: [String: Any] = ["jsonrpc": "2.0", "id": id ?? NSNull(), "error": ["code": code, "message": message]]
        return (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
