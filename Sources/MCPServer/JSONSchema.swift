import MCP

/// JSON Schema (draft 2020-12, the dialect MCP names) for the tools'
/// inputs and outputs, written as the `Value`s the protocol sends. An
/// output schema lists every key the tool's JSON always holds as
/// required; a key that may be null says so in its type, so a client that
/// validates results (as the Python SDK does) accepts exactly what
/// docs/SEARCH-JSON.md describes.
enum JSONSchema {
    static let string: Value = .object(["type": .string("string")])
    static let integer: Value = .object(["type": .string("integer")])
    static let number: Value = .object(["type": .string("number")])
    static let boolean: Value = .object(["type": .string("boolean")])

    /// A schema with a description, for an input a model fills in.
    static func described(_ schema: Value, _ description: String) -> Value {
        guard case .object(var fields) = schema else { return schema }
        fields["description"] = .string(description)
        return .object(fields)
    }

    /// `schema` or null.
    static func nullable(_ schema: Value) -> Value {
        guard case .object(var fields) = schema, case .string(let type)? = fields["type"] else {
            return .object(["anyOf": .array([schema, .object(["type": .string("null")])])])
        }
        fields["type"] = .array([.string(type), .string("null")])
        return .object(fields)
    }

    /// An array of `items`.
    static func array(_ items: Value) -> Value {
        .object(["type": .string("array"), "items": items])
    }

    /// One of `values`, as a string.
    static func oneOf(_ values: [String]) -> Value {
        .object(["type": .string("string"), "enum": .array(values.map(Value.string))])
    }

    /// An integer within `range`.
    static func integer(_ range: ClosedRange<Int>) -> Value {
        .object(["type": .string("integer"), "minimum": .int(range.lowerBound), "maximum": .int(range.upperBound)])
    }

    /// An object with `properties`, those in `required` always present
    /// (every one unless told), other keys allowed or not.
    static func object(_ properties: [String: Value], required: [String]? = nil, closed: Bool = false) -> Value {
        var fields: [String: Value] = [
            "type": .string("object"),
            "properties": .object(properties),
            "required": .array((required ?? properties.keys.sorted()).map(Value.string)),
        ]
        if closed { fields["additionalProperties"] = .bool(false) }
        return .object(fields)
    }

    /// An object whose keys are free and whose values are `values`.
    static func map(_ values: Value) -> Value {
        .object(["type": .string("object"), "additionalProperties": values])
    }

    // MARK: the shapes of docs/SEARCH-JSON.md

    /// A note line citing a document (`Citation`).
    static let citation = object([
        "note": string, "url": string, "normalized_url": string, "line": integer, "column": integer,
        "length": integer, "label": string, "heading_path": array(string), "heading": nullable(string),
        "task": nullable(oneOf(["open", "done"])), "text": string,
        "syntax": oneOf(["inline", "reference", "autolink", "bare", "definition"]), "page": nullable(integer),
    ])

    /// A document as lists show it (`DocumentSummary`).
    static let document = object([
        "id": integer, "kind": oneOf(["pdf", "html", "note", "other"]), "title": nullable(string),
        "url": nullable(string), "path": string, "pages": nullable(integer), "status": string,
        "error": nullable(string), "needs_ocr": boolean, "ocr_pages": integer, "ocr_pending": integer,
        "cited_by": integer, "notes": array(string), "paths": array(string), "urls": array(string),
        "versions": array(object([
            "sha256": string, "path": string, "page_count": nullable(integer), "added_at": nullable(string), "replaced_at": string,
        ])),
        "language": nullable(string), "language_source": nullable(oneOf(["detected", "settings"])),
        "page_languages": map(integer),
    ])

    /// One search result.
    static let result = object([
        "rank": integer, "score": number, "passage_id": integer,
        "document": object([
            "id": integer, "title": nullable(string), "kind": oneOf(["pdf", "html", "note", "other"]),
            "url": nullable(string), "path": string, "matches": nullable(integer), "words_together": nullable(boolean), "score": nullable(number),
        ]),
        "page": integer, "end_page": nullable(integer), "page_label": nullable(string), "section": nullable(string), "line": nullable(integer),
        "ocr": boolean, "ocr_confidence": nullable(number), "language": nullable(string), "snippet": string,
        "highlights": array(array(integer)), "citations": array(citation), "open": string,
        "cite": nullable(string),
    ])
}
