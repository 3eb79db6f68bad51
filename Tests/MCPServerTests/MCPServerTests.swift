import Foundation
import MCP
import SystemPackage
import TestSupport
import Testing

/// `dossier mcp` driven as an assistant's client drives it: a separate
/// process, the swift-sdk's client on its standard input and output.
@Suite("dossier mcp")
struct MCPServerTests {
    @Test("a client searches, reads the page, gets tool errors and goes on; the server writes nothing and sees the next update")
    func session() async throws {
        let library = try FixtureLibrary()
        defer { library.close() }
        let catalogBefore = try library.fingerprint()

        let session = try MCPSession(workspace: library.root)
        defer { session.close() }
        let initialized = try await session.client.connect(transport: session.transport)
        #expect(initialized.serverInfo.name == "dossier")
        #expect(initialized.protocolVersion == Version.latest)
        #expect(initialized.capabilities.tools != nil && initialized.capabilities.resources != nil)

        // The tools, each read-only with an output schema.
        let (tools, _) = try await session.client.listTools()
        #expect(tools.map(\.name) == ["search", "read_page", "list_documents", "citations", "status"])
        for tool in tools {
            #expect(tool.annotations.readOnlyHint == true, "\(tool.name)")
            #expect(tool.outputSchema != nil && (tool.description ?? "").count > 100, "\(tool.name)")
        }

        // A phrase from page 2 finds page 2, its printed label, the snippet and the note line citing the report.
        let found = try await session.call("search", ["query": "pangolin scales hidden"])
        let hit = try #require(found["results"]?[0])
        #expect(hit["page"]?.intValue == 2)
        #expect(hit["page_label"]?.stringValue == "11")
        #expect(hit["snippet"]?.stringValue?.contains("pangolin scales hidden in timber containers") == true)
        #expect((hit["highlights"]?.arrayValue?.count ?? 0) == 3)
        #expect(hit["document"]?["kind"]?.stringValue == "pdf")
        #expect(hit["document"]?["url"]?.stringValue == library.server.url("/report.pdf"))
        #expect(hit["open"]?.stringValue?.hasSuffix("#page=2") == true)
        let citation = try #require(hit["citations"]?[0])
        #expect(citation["note"]?.stringValue == "corpus/notes/research.md")
        #expect(citation["line"]?.intValue == 4)
        #expect(citation["heading"]?.stringValue == "To read")
        #expect(citation["task"]?.stringValue == "open")
        #expect(citation["text"]?.stringValue?.contains("check the Lagos figures") == true)
        let document = try #require(hit["document"]?["id"]?.intValue)

        // The page holds the phrase; a short read says where to go on, and the pieces make the page.
        let page = try await session.call("read_page", ["document": .int(document), "page": 2])
        let text = try #require(page["text"]?.stringValue)
        #expect(text.contains("Customs officers found pangolin scales hidden in timber containers at the port of Lagos"))
        #expect(page["page_label"]?.stringValue == "11" && page["next_offset"] == .null)
        var pieces = "", offset: Value = .int(0)
        while case .int(let next) = offset {
            let piece = try await session.call("read_page", ["document": .int(document), "page": 2, "offset": .int(next), "max_characters": 200])
            pieces += piece["text"]?.stringValue ?? ""
            offset = piece["next_offset"] ?? .null
        }
        #expect(pieces == text)

        // Bad arguments are tool errors, and the session goes on.
        for (tool, arguments) in [("search", ["query": Value.string("")]), ("read_page", ["document": .int(9999)]),
                                  ("read_page", ["document": .int(document), "page": 40]), ("search", ["query": "x", "limit": 0]),
                                  ("search", ["query": "timber", "colour": "red"]), ("delete_everything", [:]),
                                  ("citations", [:]), ("search", ["query": "timber", "note": "no-such-note.md"])] {
            let (content, isError) = try await session.client.callTool(name: tool, arguments: arguments)
            #expect(isError == true, "\(tool) \(arguments)")
            guard case .text(let message, _, _)? = content.first else { Issue.record("no message for \(tool)"); continue }
            #expect(!message.isEmpty && !message.contains("\n"), "\(message)")
        }
        let next = try await session.call("search", ["query": "rhino horn"])
        #expect(next["results"]?[0]?["page"]?.intValue == 3)
        #expect(next["any_words_query"] == .null)

        // A question as typed: no document holds "what", "does" and "say";
        // the words that say what is asked about find the page, and the result says so.
        let question = try await session.call("search", ["query": "What does it say about pangolin scales in Lagos?"])
        #expect(question["any_words_query"]?.stringValue == "pangolin scales Lagos")
        #expect(question["results"]?[0]?["page"]?.intValue == 2)
        #expect(question["hints"]?.arrayValue?.first?.stringValue?.hasPrefix("no document holds every word") == true)

        let citations = try await session.call("citations", ["document": .int(document)])
        #expect(citations["citations"]?.arrayValue?.map { $0["line"]?.intValue } == [4])
        let documents = try await session.call("list_documents", [:])
        #expect(documents["documents"]?.arrayValue?.contains { $0["url"]?.stringValue == library.server.url("/report.pdf") } == true)
        let status = try await session.call("status", [:])
        #expect(status["index"]?["committed_at"]?.stringValue != nil)
        #expect((status["catalog"]?["passages"]?.intValue ?? 0) > 0)

        // Resources: a page as text; nothing else is served.
        let contents = try await session.client.readResource(uri: "dossier://documents/\(document)/pages/2")
        let resource: String = contents.first?.text ?? ""
        #expect(resource.contains("pangolin scales hidden"))
        await #expect(throws: (any Error).self) { try await session.client.readResource(uri: "file:///etc/passwd") }
        let (resources, _) = try await session.client.listResources()
        #expect(resources.contains { $0.uri == "dossier://documents/\(document)" })

        // Nothing was written; an update made meanwhile is seen by the next call.
        #expect(try library.fingerprint() == catalogBefore)
        try library.citeSecondReport()
        let updated = try await session.call("search", ["query": "ivory carvings"])
        #expect(updated["results"]?[0]?["document"]?["url"]?.stringValue == library.server.url("/second.pdf"))

        // The report's URL serves a new version: the id the assistant holds names it still, with its new text.
        try library.reviseReport()
        let revisedPage = try await session.call("read_page", ["document": .int(document), "page": 1])
        #expect(revisedPage["text"]?.stringValue?.contains("okapi skins") == true, "\(revisedPage)")
        let again = try await session.call("search", ["query": "okapi skins"])
        #expect(again["results"]?[0]?["document"]?["id"]?.intValue == document)
        let listed = try await session.call("list_documents", [:])
        let entry = try #require(listed["documents"]?.arrayValue?.first { $0["id"]?.intValue == document })
        #expect(entry["versions"]?.arrayValue?.count == 1 && entry["urls"]?.arrayValue?.count == 1, "\(entry)")
    }
}

/// Which version of the report the fixture's server serves.
final class Revision: @unchecked Sendable {
    var revised = false
}

/// A workspace whose note cites two PDFs served on 127.0.0.1, updated once.
struct FixtureLibrary {
    let root: URL
    let server: TestHTTPServer
    let served: Revision
    static let environment = ["DOSSIER_BACKOFF_MS": "5", "DOSSIER_POLITENESS_MS": "0"]

    init() throws {
        let folder = try PDFFixture.temporaryFolder()
        let report = folder.appendingPathComponent("report.pdf"), second = folder.appendingPathComponent("second.pdf")
        PDFFixture.write([
            .init(label: "10", lines: ["Annual overview of seizures"]),
            .init(label: "11", lines: ["Customs officers found pangolin scales hidden in timber containers at the port of Lagos."]),
            .init(label: "12", lines: ["A shipment of rhino horn was intercepted in transit."]),
        ], to: report, title: "Customs seizure report")
        PDFFixture.write([.init(label: nil, lines: ["Ivory carvings offered for sale online."])], to: second, title: "Online markets")
        let (reportBytes, secondBytes) = (try [UInt8](Data(contentsOf: report)), try [UInt8](Data(contentsOf: second)))
        let revised = folder.appendingPathComponent("revised.pdf")
        PDFFixture.write([.init(label: "1", lines: ["Revised edition: okapi skins seized at the border."])], to: revised, title: "Customs seizure report")
        let revisedBytes = try [UInt8](Data(contentsOf: revised))
        let served = Revision()
        self.served = served
        server = try TestHTTPServer { request in
            switch request.uri {
            case "/report.pdf":
                return .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: served.revised ? revisedBytes : reportBytes)
            case "/second.pdf": return .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: secondBytes)
            default: return .respond(status: 404, headers: [], body: [])
            }
        }
        root = folder.appendingPathComponent("workspace")
        #expect(try dossier(["init", root.path]).status == 0)
        try note().write(to: root.appendingPathComponent("corpus/notes/research.md"), atomically: true, encoding: .utf8)
        let update = try dossier(["update"], in: root, environment: Self.environment)
        #expect(update.status == 0, "\(update.stderr)")
    }

    func note(second: Bool = false) -> String {
        "# Seizures\n\n## To read\n- [ ] [Customs seizure report](\(server.url("/report.pdf"))) check the Lagos figures\n"
            + (second ? "- [Online markets](\(server.url("/second.pdf")))\n" : "")
    }

    /// Serves a new version of the report at its URL and updates.
    func reviseReport() throws {
        served.revised = true
        let update = try dossier(["update", "--min-age", "0"], in: root, environment: Self.environment)
        #expect(update.status == 0, "\(update.stderr)")
    }

    /// Adds the second report to the note and updates.
    func citeSecondReport() throws {
        try note(second: true).write(to: root.appendingPathComponent("corpus/notes/research.md"), atomically: true, encoding: .utf8)
        let update = try dossier(["update"], in: root, environment: Self.environment)
        #expect(update.status == 0, "\(update.stderr)")
    }

    /// The catalog's and the index's files with their sizes and modification times.
    func fingerprint() throws -> [String] {
        let index = root.appendingPathComponent("index")
        let files = try FileManager.default.subpathsOfDirectory(atPath: index.path).sorted()
        return try files.filter { !$0.hasSuffix("-shm") && !$0.hasSuffix("-wal") }.map { path in
            let attributes = try FileManager.default.attributesOfItem(atPath: index.appendingPathComponent(path).path)
            return "\(path) \(attributes[.size] ?? 0) \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
        }
    }

    func close() { server.shutdown() }
}

/// `dossier mcp` running as a child process, and an MCP client on its pipes.
final class MCPSession: @unchecked Sendable {
    let process = Process()
    let client = Client(name: "dossier-tests", version: "1.0")
    let transport: StdioTransport
    private let toServer = Pipe(), fromServer = Pipe(), errors = Pipe()

    init(workspace: URL) throws {
        process.executableURL = dossierBinary
        process.arguments = ["mcp", "--workspace", workspace.path]
        process.standardInput = toServer
        process.standardOutput = fromServer
        process.standardError = errors
        try process.run()
        transport = StdioTransport(input: FileDescriptor(rawValue: fromServer.fileHandleForReading.fileDescriptor),
                                   output: FileDescriptor(rawValue: toServer.fileHandleForWriting.fileDescriptor))
    }

    /// Calls `tool` and returns its structured content, after checking that
    /// the call succeeded and that its text is the same JSON.
    func call(_ tool: String, _ arguments: [String: Value]) async throws -> Value {
        let result = try await client.send(CallTool.request(.init(name: tool, arguments: arguments))).value
        #expect(result.isError != true, "\(tool) \(arguments): \(result.content)")
        let structured = try #require(result.structuredContent)
        guard case .text(let text, _, _)? = result.content.first else {
            Issue.record("\(tool): no text content")
            return structured
        }
        #expect(try JSONDecoder().decode(Value.self, from: Data(text.utf8)) == structured)
        return structured
    }

    /// Ends the session: the client closes the server's input, and the server exits.
    func close() {
        try? toServer.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        #expect(process.terminationStatus == 0)
    }
}

extension Value {
    subscript(key: String) -> Value? { objectValue?[key] }
    subscript(index: Int) -> Value? { arrayValue.flatMap { index < $0.count ? $0[index] : nil } }
}

/// `dossier mcp` spoken to line by line, as a client that breaks the rules would.
final class RawMCPSession: @unchecked Sendable {
    let process = Process()
    private let toServer = Pipe(), fromServer = Pipe()
    private let lock = NSLock()
    private var received = Data()

    init(workspace: URL) throws {
        process.executableURL = dossierBinary
        process.arguments = ["mcp", "--workspace", workspace.path]
        process.standardInput = toServer
        process.standardOutput = fromServer
        process.standardError = FileHandle.nullDevice
        try process.run()
        let handle = fromServer.fileHandleForReading
        Thread {
            while case let data = handle.availableData, !data.isEmpty {
                self.lock.withLock { self.received.append(data) }
            }
        }.start()
    }

    /// Writes `line` and a newline to the server (from another thread: a long line fills the pipe).
    func send(_ line: Data) {
        var framed = line
        framed.append(UInt8(ascii: "\n"))
        let data = framed
        let handle = toServer.fileHandleForWriting
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async { handle.write(data); done.signal() }
        done.wait()
    }

    /// The answers received so far, once there are `count` of them (or 30 s have passed).
    func answers(_ count: Int) -> [Value] {
        for _ in 0..<300 {
            let lines = lock.withLock { received.split(separator: UInt8(ascii: "\n")) }
            if lines.count >= count { return lines.compactMap { try? JSONDecoder().decode(Value.self, from: Data($0)) } }
            usleep(100_000)
        }
        return lock.withLock { received.split(separator: UInt8(ascii: "\n")) }.compactMap { try? JSONDecoder().decode(Value.self, from: Data($0)) }
    }

    /// The most memory the server has held, in bytes (VmHWM).
    var peakMemory: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    func close() {
        try? toServer.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

@Suite("dossier mcp: JSON-RPC 2.0 at the edge")
struct MCPMessageTests {
    @Test("bad lines are answered per JSON-RPC 2.0: parse errors and bad ids with id null, wrong params -32602, an oversize line refused unkept")
    func badMessages() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("dossier-mcp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        let session = try RawMCPSession(workspace: root)
        defer { session.close() }
        let lines: [(String, Int, Value)] = [
            ("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"", -32700, .null),
            ("not json at all", -32700, .null),
            ("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}", -32600, .null),
            ("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", -32600, .null),
            ("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}", -32600, .null),
            ("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", -32600, .null),
            ("{\"jsonrpc\":\"1.0\",\"id\":8,\"method\":\"ping\"}", -32600, .int(8)),
            ("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":3}", -32600, .int(9)),
            ("{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"tools/call\",\"params\":{\"name\":5}}", -32602, .string("p")),
            ("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"resources/read\",\"params\":{}}", -32602, .int(10)),
            ("{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/call\",\"params\":7}", -32600, .int(11)),
            // A string id that reads as a data URL is a string id all the same.
            ("{\"jsonrpc\":\"1.0\",\"id\":\"data:text/plain;base64,QQ==\",\"method\":\"ping\"}", -32600,
             try JSONDecoder().decode(Value.self, from: Data("\"data:text/plain;base64,QQ==\"".utf8))),
        ]
        for (line, _, _) in lines { session.send(Data(line.utf8)) }
        // A line of 40 MB: refused at 4 MiB, its rest dropped; the next line is read as usual.
        var long = Data("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"ping\",\"params\":{\"pad\":\"".utf8)
        long.append(Data(repeating: UInt8(ascii: "x"), count: 40 << 20))
        long.append(Data("\"}}".utf8))
        session.send(long)
        session.send(Data("{\"jsonrpc\":\"2.0\",\"id\":\"after\",\"method\":\"tools/call\",\"params\":{}}".utf8))
        let answers = session.answers(lines.count + 2)
        #expect(answers.count == lines.count + 2)
        for (answer, (line, code, id)) in zip(answers, lines) {
            #expect(answer["error"]?["code"]?.intValue == code, "\(line): \(answer)")
            #expect(answer["id"] == id, "\(line): \(answer)")
            #expect(answer["jsonrpc"]?.stringValue == "2.0")
        }
        let tooLong = try #require(answers.dropFirst(lines.count).first)
        #expect(tooLong["error"]?["code"]?.intValue == -32600 && tooLong["id"] == .null, "\(tooLong)")
        #expect(answers.last?["id"] == .string("after") && answers.last?["error"]?["code"]?.intValue == -32602, "\(String(describing: answers.last))")
        #expect(session.peakMemory < 120 << 20, "peak \(session.peakMemory >> 20) MiB")
    }
}
