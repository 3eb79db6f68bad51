import CDossierFTS5
import CSQLite
import DossierCore
import Foundation

/// A value bound to, or read from, an SQL statement.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// Types that can be bound to a statement parameter.
public protocol SQLBindable {
    /// The value to bind.
    var sqlValue: SQLValue { get }
}

extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension SQLValue: SQLBindable { public var sqlValue: SQLValue { self } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A thin, safe layer over the SQLite C API: a connection, prepared
/// statements with typed binding, rows, and transactions.
///
/// A connection belongs to one thread of control at a time (it is not
/// `Sendable`); open one per task that needs it. Every error becomes a
/// ``DossierError/catalog(_:)`` naming the statement's failure in one line.
public final class SQLiteDatabase {
    let handle: OpaquePointer
    /// Where the database lives.
    public let path: String

    /// Opens (creating unless `readOnly`) the database at `path`, in WAL mode
    /// with foreign keys enforced and a 10 s busy timeout, with the FTS5
    /// tokenizer `dossier` registered.
    public init(path: String, readOnly: Bool = false) throws {
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw DossierError.catalog("cannot open \(path): \(message)")
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, 10_000)
        sqlite3_extended_result_codes(db, 1)
        // The FTS5 cross-check's tokenizer (Schema, version 13): every write
        // to `passages` reaches its table through a trigger.
        let registered = dossier_fts5_register(db)
        guard registered == SQLITE_OK else {
            sqlite3_close_v2(db)
            throw DossierError.catalog("cannot open \(path): the FTS5 tokenizer could not be registered (SQLite error \(registered))")
        }
        if !readOnly {
            try execute("PRAGMA journal_mode = WAL")
            try execute("PRAGMA synchronous = NORMAL")
        }
        try execute("PRAGMA foreign_keys = ON")
    }

    deinit { sqlite3_close_v2(handle) }

    /// The SQLite library's version, e.g. `3.40.1`.
    public static var libraryVersion: String { String(cString: sqlite3_libversion()) }

    func error(_ context: String) -> DossierError {
        .catalog("\(context): \(String(cString: sqlite3_errmsg(handle)))")
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(handle, sql, nil, nil, &message) != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw DossierError.catalog(text)
        }
    }

    /// Prepares a statement.
    public func prepare(_ sql: String) throws -> Statement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw error("cannot prepare statement")
        }
        return Statement(database: self, handle: statement)
    }

    /// Runs a statement with arguments; returns the number of rows changed.
    @discardableResult
    public func run(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> Int {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps each row.
    public func query<T>(_ sql: String, _ arguments: [any SQLBindable] = [], _ map: (Row) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        var result: [T] = []
        while try statement.step() { result.append(try map(Row(statement: statement))) }
        return result
    }

    /// The first column of the first row, if any.
    public func scalar(_ sql: String, _ arguments: [any SQLBindable] = []) throws -> SQLValue? {
        try query(sql, arguments) { $0[0] }.first
    }

    /// Rows changed by the last statement.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Rowid of the last inserted row.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`): committed if it
    /// returns, rolled back if it throws, so a killed process or a failure
    /// leaves the database as it was before.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` in a read transaction (`BEGIN DEFERRED`): every query in it
    /// sees the database as one committed state, whatever a writer commits
    /// meanwhile (WAL mode lets it). Nested calls join the outer transaction.
    public func reading<T>(_ body: () throws -> T) throws -> T {
        guard sqlite3_get_autocommit(handle) != 0 else { return try body() }
        try execute("BEGIN DEFERRED")
        defer { try? execute("COMMIT") }
        return try body()
    }
}

/// A prepared statement.
public final class Statement {
    let database: SQLiteDatabase
    let handle: OpaquePointer

    init(database: SQLiteDatabase, handle: OpaquePointer) {
        self.database = database
        self.handle = handle
    }

    deinit { sqlite3_finalize(handle) }

    /// Clears earlier bindings and binds `arguments` to parameters 1…n.
    public func bind(_ arguments: [any SQLBindable]) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (index, argument) in arguments.enumerated() {
            let position = Int32(index + 1)
            let rc: Int32
            switch argument.sqlValue {
            case .null: rc = sqlite3_bind_null(handle, position)
            case .integer(let v): rc = sqlite3_bind_int64(handle, position, v)
            case .real(let v): rc = sqlite3_bind_double(handle, position, v)
            case .text(let v): rc = sqlite3_bind_text(handle, position, v, -1, SQLITE_TRANSIENT)
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob(handle, position, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
            }
            guard rc == SQLITE_OK else { throw database.error("cannot bind parameter \(position)") }
        }
    }

    /// Advances to the next row; returns false when done.
    public func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error("statement failed")
        }
    }

    /// Ends the statement's current run (and the read it holds open), keeping its bindings.
    public func reset() { sqlite3_reset(handle) }

    /// Binds, runs to completion, and resets.
    public func run(_ arguments: [any SQLBindable]) throws {
        try bind(arguments)
        while try step() {}
        sqlite3_reset(handle)
    }
}

/// The current row of a statement.
public struct Row {
    let statement: Statement

    /// The value of column `index`.
    public subscript(index: Int) -> SQLValue {
        let h = statement.handle
        let i = Int32(index)
        switch sqlite3_column_type(h, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(h, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(h, i))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(h, i)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(h, i))
            guard count > 0, let base = sqlite3_column_blob(h, i) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
        default: return .null
        }
    }

    /// Column `index` as an integer (0 when NULL).
    public func int(_ index: Int) -> Int { Int(sqlite3_column_int64(statement.handle, Int32(index))) }
    /// Column `index` as an integer, or nil when NULL.
    public func optionalInt(_ index: Int) -> Int? {
        sqlite3_column_type(statement.handle, Int32(index)) == SQLITE_NULL ? nil : int(index)
    }
    /// Column `index` as a double.
    public func double(_ index: Int) -> Double { sqlite3_column_double(statement.handle, Int32(index)) }
    /// Column `index` as a double, or nil when NULL.
    public func optionalDouble(_ index: Int) -> Double? {
        sqlite3_column_type(statement.handle, Int32(index)) == SQLITE_NULL ? nil : double(index)
    }
    /// Column `index` as text ("" when NULL).
    public func string(_ index: Int) -> String { optionalString(index) ?? "" }
    /// Column `index` as text, or nil when NULL.
    public func optionalString(_ index: Int) -> String? {
        guard let text = sqlite3_column_text(statement.handle, Int32(index)) else { return nil }
        return String(cString: text)
    }
}

extension SQLValue {
    /// The integer value, if this is one.
    public var int: Int? { if case .integer(let v) = self { return Int(v) }; return nil }
    /// The text value, if this is one.
    public var string: String? { if case .text(let v) = self { return v }; return nil }
}
