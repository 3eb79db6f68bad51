import Catalog
import Notes
import Extract
import DossierCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Search
import Testing
import TestSupport
@testable import Web

/// The repository's root folder.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// A new workspace in a temporary folder, and the folder to remove.
func temporaryWorkspace() throws -> (Workspace, URL) {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-web-\(UUID().uuidString)")
    let workspace = Workspace(root: root)
    try workspace.create()
    return (workspace, root)
}

func run(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}

/// Starts `dossier serve` on `root` on a free port and waits until it accepts connections.
func serve(_ root: URL, environment: [String: String] = [:], log: URL? = nil, binary given: URL? = nil) throws -> (Process, Int) {
    let binary = given ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dossier")
    let port = Int.random(in: 20000...40000)
    let server = Process()
    server.executableURL = binary
    server.arguments = ["serve", "--port", String(port), "--workspace", root.path]
    server.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    if let log {
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        server.standardOutput = handle
        server.standardError = handle
    } else {
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
    }
    try server.run()
    var up = false
    for _ in 0..<100 where !up {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        up = connectLocal(fd, port)
        close(fd)
        if !up { usleep(100_000) }
    }
    #expect(up)
    return (server, port)
}

func connectLocal(_ fd: Int32, _ port: Int) -> Bool {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

/// GET `path` from 127.0.0.1:`port`: the status code and the body.
func get(_ port: Int, _ path: String) -> (status: Int, body: Data) {
    let answer = request(port, path)
    return (answer.status, answer.body)
}

/// One request over a socket of its own, as a browser or curl sends it:
/// `Host` names the server and its port unless `host` says otherwise.
func request(_ port: Int, _ path: String, method: String = "GET", host: String? = nil, headers: [String: String] = [:])
    -> (status: Int, head: String, body: Data) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    guard connectLocal(fd, port) else { return (0, "", Data()) }
    var text = "\(method) \(path) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
    for (name, value) in headers { text += "\(name): \(value)\r\n" }
    let bytes = Array((text + "\r\n").utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    var response = Data()
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        response.append(contentsOf: chunk[0..<n])
    }
    guard let end = response.range(of: Data("\r\n\r\n".utf8)) else { return (0, "", response) }
    let head = String(decoding: response[..<end.lowerBound], as: UTF8.self)
    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return (status, head, Data(response[end.upperBound...]))
}
