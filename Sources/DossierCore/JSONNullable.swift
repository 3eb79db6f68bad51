/// An optional that JSON always names: `null` when there is no value.
///
/// Swift's synthesized `Codable` leaves an absent optional out of the
/// object; Dossier's JSON (docs/SEARCH-JSON.md, `links --json`) promises
/// every key in every object, so that a script can rely on the schema.
/// Marking a property `@JSONNullable` keeps the synthesized coding and the
/// key: no hand-written `encode(to:)`. Decoding accepts `null` or a
/// missing key as no value.
@propertyWrapper
public struct JSONNullable<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    /// The value, if any.
    public var wrappedValue: Value?

    /// Wraps `wrappedValue`.
    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    /// Reads `null` as no value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }

    /// Writes the value, or `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    /// A missing key is no value, as `null` is.
    public func decode<T>(_ type: JSONNullable<T>.Type, forKey key: Key) throws -> JSONNullable<T> {
        try decodeIfPresent(type, forKey: key) ?? JSONNullable(wrappedValue: nil)
    }
}
