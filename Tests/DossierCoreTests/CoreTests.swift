import DossierCore
import Foundation
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    @Test("FIPS 180-4 test vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(message: String, digest: String) {
        #expect(SHA256.hex(of: Array(message.utf8)) == digest)
    }

    @Test("a million 'a's fed in uneven pieces")
    func streaming() {
        var hasher = SHA256()
        var remaining = 1_000_000
        var piece = 1
        while remaining > 0 {
            let n = min(piece, remaining)
            hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
            remaining -= n
            piece = piece * 3 % 1000 + 1
        }
        #expect(SHA256.hexString(hasher.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("a file's digest matches sha256sum")
    func fileDigest() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: url) }
        var bytes = [UInt8](repeating: 0, count: 3_000_017)
        for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        try Data(bytes).write(to: url)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [url.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(try SHA256.hex(ofFile: url) == String(output.prefix(64)))
        // An empty file cannot be mapped: it is read, and has the empty message's digest.
        try Data().write(to: url)
        #expect(try SHA256.hex(ofFile: url) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(throws: DossierError.self) { try SHA256.hex(ofFile: url.appendingPathExtension("missing")) }
    }
}

@Suite("Workspace")
struct WorkspaceTests {
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ws-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("create makes the four folders and a .gitignore, and is idempotent")
    func create() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = Workspace(root: root)
        #expect(!workspace.exists)
        #expect(try workspace.create().count == 4)
        for folder in ["corpus/notes", "corpus/files", "corpus/library", "index"] {
            var isDirectory: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(folder).path, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
        #expect(try String(contentsOf: root.appendingPathComponent(".gitignore"), encoding: .utf8).contains("/index/"))
        #expect(try workspace.create().isEmpty)
    }

    @Test("resolution: --workspace, then DOSSIER_WORKSPACE, then the nearest folder above")
    func resolve() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = Workspace(root: root.appendingPathComponent("a")), b = Workspace(root: root.appendingPathComponent("b"))
        try a.create(); try b.create()
        let deep = a.notes.appendingPathComponent("x/y", isDirectory: true)
        try FileManager.default.createDirectory(at: deep, withIntermediateDirectories: true)

        #expect(try Workspace.resolve(option: b.root.path, environment: ["DOSSIER_WORKSPACE": a.root.path], currentDirectory: deep) == b)
        #expect(try Workspace.resolve(option: nil, environment: ["DOSSIER_WORKSPACE": b.root.path], currentDirectory: deep) == b)
        #expect(try Workspace.resolve(option: nil, environment: [:], currentDirectory: deep) == a)
        #expect(try Workspace.resolve(option: "b", environment: [:], currentDirectory: root) == b)
        #expect(throws: DossierError.self) { try Workspace.resolve(option: nil, environment: [:], currentDirectory: root) }
        #expect(throws: DossierError.self) { try Workspace.resolve(option: root.path, environment: [:], currentDirectory: root) }
    }

    @Test("relative paths inside the workspace")
    func relative() {
        let workspace = Workspace(root: URL(fileURLWithPath: "/w/s"))
        #expect(workspace.relativePath(of: URL(fileURLWithPath: "/w/s/corpus/notes/a.md")) == "corpus/notes/a.md")
        #expect(workspace.relativePath(of: URL(fileURLWithPath: "/w/other.md")) == "/w/other.md")
    }

    @Test("atomic writes replace whole files and leave no temporary file")
    func atomicWrite() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let target = root.appendingPathComponent("manifest.json")
        try AtomicFile.write(Data("one".utf8), to: target)
        try AtomicFile.write(Data("two".utf8), to: target)
        #expect(try String(contentsOf: target, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["manifest.json"])
        #expect(throws: DossierError.self) {
            try AtomicFile.write(Data(), to: root.appendingPathComponent("missing/folder/file"))
        }
    }
}
