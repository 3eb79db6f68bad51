import DossierCore
import Foundation
import TestSupport
import Testing

@Suite("Search, verify and export against FTS5")
struct SearchCLITests {
    func workspace() throws -> URL {
        let root = try exampleWorkspace()
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in ["rcites__paper.pdf", "SAPI__latex__history_introduction_en.pdf", "SAPI__latex__history_introduction_fr.pdf"] {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name),
                                             to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        let index = try dossier(["index"], in: root)
        #expect(index.status == 0, "\(index.stderr)")
        return root
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the words of real reports, pasted: exit 0 and at least every passage FTS5 finds for the same words as a phrase")
    func pastedQueries() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in ["EU-Wildlife-Trade-Reference-Guide.pdf", "SAPI__cites_trade_guidelines__en-CITES_Trade_Database_Guide.pdf",
                     "SAPI__latex__CITES_abbreviations_and_annotations.pdf"] {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name), to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        #expect(try dossier(["index"], in: root).status == 0)
        func ids(_ arguments: [String]) throws -> Set<Int> {
            let run = try dossier(["search", "--flat", "--json", "--limit", "100000"] + arguments, in: root)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            return Set((try json(run.stdout)["results"] as? [[String: Any]] ?? []).compactMap { $0["passage_id"] as? Int })
        }
        var found = 0
        for query in ["re-export", "re-export certificate", "CITES-listed species", "non-detriment findings", "pre-Convention",
                      "U.S.", "e.g. ivory", "Côte d'Ivoire", "Member State's", "Regulation (EC) No 338/97", "Annex A/B", "10%",
                      "Art. 5(2)", "\"Appendix II", "import/export", "Appendices I, II and III", "(EC) No 865/2006", "source code 'W'",
                      "purpose code: T", "Article VII(2)"] {
            let lenient = try ids([query])
            // The same words as one phrase, in FTS5's syntax.
            let words = query.unicodeScalars.map { $0.properties.isAlphabetic || $0.properties.numericType != nil ? String($0) : " " }.joined()
            let phrase = "\"" + words.split(separator: " ").joined(separator: " ") + "\""
            let strict = try ids(["--strict", phrase])
            #expect(strict.isSubset(of: lenient), "\(query): \(strict.subtracting(lenient).count) of FTS5's passages for \(phrase) missing")
            if !strict.isEmpty { found += 1 }
        }
        #expect(found >= 14, "most of these words stand in the reports: \(found)")
    }

    @Test("an index left by an older Dossier: status says so, search asks for dossier index, and dossier index rebuilds it")
    func olderIndex() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let segments = root.appendingPathComponent("index/segments")
        for name in try FileManager.default.contentsOfDirectory(atPath: segments.path) where name.hasSuffix(".seg") {
            var bytes = try Data(contentsOf: segments.appendingPathComponent(name))
            bytes.replaceSubrange(0..<8, with: Array("DOSSEG03".utf8))
            try bytes.write(to: segments.appendingPathComponent(name))
        }
        let status = try dossier(["status"], in: root)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("older Dossier"))
        let refused = try dossier(["search", "species"], in: root)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("dossier index") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(try dossier(["index"], in: root).status == 0)
        let found = try json(try dossier(["search", "species", "--json"], in: root).stdout)
        #expect((found["total"] as? Int ?? 0) > 0)
    }

    @Test("search --flat --json returns FTS5's ORDER BY bm25(), rowid order, from a table built independently from export")
    func flatAgainstExport() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let export = try dossier(["export", "passages"], in: root)
        #expect(export.status == 0)
        var rows: [(Int64, String)] = []
        var languages = Set<String>()
        for line in export.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let language = try #require(object["language"] as? String)
            let text = object["text"] as! String
            // A passage in another language than English, as the FTS5 tokenizer reads it.
            rows.append(((object["passage_id"] as! NSNumber).int64Value, language == "en" ? text : "\u{1B}\(language)\u{1B}" + text))
            if language != "en" { languages.insert(language) }
            #expect(object["page"] is Int && object["document_id"] is Int)
        }
        #expect(!languages.isEmpty, "the workspace holds French passages")
        let fts = FTS5Table(languages: languages.sorted())
        fts.insert(rows)
        for query in ["CITES", "trade OR species", "\"Appendix II\"", "conven*", "NEAR(species trade, 5)", "CITES NOT trade", "espèces"] {
            let ours = try json(try dossier(["search", query, "--flat", "--json", "--limit", "1000"], in: root).stdout)
            let expected = try #require(fts.search(query))
            let results = try #require(ours["results"] as? [[String: Any]])
            #expect(ours["total"] as? Int == expected.count, "\(query)")
            #expect(results.map { ($0["passage_id"] as! NSNumber).int64Value } == expected.map(\.0), "\(query)")
            // JSONSerialization rounds some doubles; JSONDecoder reads them exactly.
            struct Scores: Decodable { struct R: Decodable { var score: Double }; var results: [R] }
            let scores = try JSONDecoder().decode(Scores.self, from: Data(try dossier(["search", query, "--flat", "--json", "--limit", "1000"], in: root).stdout.utf8))
            #expect(zip(scores.results, expected).allSatisfy { $0.score.bitPattern == (-$1.1).bitPattern }, "\(query)")
            if let first = results.first {
                #expect(first["page"] is Int)
                #expect((first["document"] as? [String: Any])?["path"] is String)
                #expect(!(first["snippet"] as! String).isEmpty)
            }
        }
    }

    @Test("verify passes after the first index and after an incremental one that adds and removes documents")
    func verify() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try dossier(["verify", "--queries", "120", "--json"], in: root)
        #expect(first.status == 0, "\(first.stdout)")
        let report = try json(first.stdout)
        #expect(report["ok"] as? Bool == true)
        #expect((report["with_results"] as? Int ?? 0) > 50)

        let library = root.appendingPathComponent("corpus/library")
        try FileManager.default.removeItem(at: library.appendingPathComponent("SAPI__latex__history_introduction_fr.pdf"))
        try FileManager.default.copyItem(
            at: repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real/SAPI__latex__index_introduction_es.pdf"),
            to: library.appendingPathComponent("index_es.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)
        let second = try dossier(["verify", "--queries", "120", "--seed", "7"], in: root)
        #expect(second.status == 0, "\(second.stdout)")
        let gone = try json(try dossier(["search", "\"histoire\"", "--flat", "--json"], in: root).stdout)
        for result in gone["results"] as? [[String: Any]] ?? [] {
            #expect((result["document"] as? [String: Any])?["path"] as? String != "corpus/library/SAPI__latex__history_introduction_fr.pdf")
        }
    }

    /// `dossier search --batch` running on `root`, its standard input and output piped.
    func batchProcess(_ root: URL, limit: Int) throws -> (Process, input: Pipe, output: Pipe) {
        let process = Process()
        process.executableURL = dossierBinary
        process.arguments = ["search", "--batch", "--limit", "\(limit)", "--workspace", root.path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        return (process, input, output)
    }

    @Test("--batch takes a search's filters and --lang: each line is ranked as that search ranks it, flat and by document")
    func batchFilters() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let queries = ["CITES", "commerce OR trade", "\"Conference of the Parties\""]
        let ids = { (json: [String: Any]) in (json["results"] as? [[String: Any]] ?? []).map { $0["passage_id"] as? Int ?? -1 } }
        let anyDocument = try json(try dossier(["search", "CITES", "--json"], in: root).stdout)
        let document = try #require(((anyDocument["results"] as? [[String: Any]])?.first?["document"] as? [String: Any])?["id"] as? Int)
        var found = 0
        for options in [["--lang", "fr"], ["--lang", "en"], ["--doc", "\(document)"], ["--kind", "pdf", "--lang", "fr"]] {
            for (batchMode, singleMode) in [([String](), ["--flat"]), (["--by-document"], [])] {
                let batch = try dossier(["search", "--batch", "--limit", "5"] + batchMode + options, in: root, stdin: queries.joined(separator: "\n") + "\n")
                #expect(batch.status == 0, "\(batch.stderr)")
                let lines = batch.stdout.split(separator: "\n").map(String.init)
                #expect(lines.count == queries.count)
                for (line, query) in zip(lines, queries) {
                    let single = try dossier(["search", query, "--json", "--strict", "--limit", "5"] + singleMode + options, in: root)
                    let a = try json(line), b = try json(single.stdout)
                    #expect(ids(a) == ids(b), "\(query) \(options) \(batchMode): \(line) | \(single.stdout.prefix(300))")
                    if !batchMode.isEmpty {
                        // By document, each result's document and the documents in all, as the search says them.
                        let documents = (b["results"] as? [[String: Any]] ?? []).map { ($0["document"] as? [String: Any])?["id"] as? Int ?? -2 }
                        #expect((a["results"] as? [[String: Any]] ?? []).map { $0["document"] as? Int ?? -1 } == documents, "\(query) \(options)")
                        #expect(a["total_documents"] as? Int == b["total_documents"] as? Int && a["total_documents_relation"] as? String == "eq",
                                "\(query) \(options): \(line)")
                    } else {
                        #expect(a["total_documents"] == nil)
                    }
                    found += ids(a).count
                }
            }
        }
        #expect(found > 20)
        // Only French passages with --lang fr: the English paper's passages are not among them.
        let french = try dossier(["search", "--batch", "--lang", "fr"], in: root, stdin: "CITES\n")
        let frenchIDs = Set(ids(try json(french.stdout)))
        let english = try dossier(["search", "--batch", "--lang", "en"], in: root, stdin: "CITES\n")
        let englishIDs = ids(try json(english.stdout))
        #expect(!frenchIDs.isEmpty && frenchIDs.isDisjoint(with: englishIDs))
    }

    @Test("words AND'ed by document: every document counted, passages up to --count-up-to, and the text says which total is a bound")
    func andCountsDocuments() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let exact = try json(try dossier(["search", "species trade", "--json", "--limit", "1", "--count-up-to", "1000000000"], in: root).stdout)
        let documents = try #require(exact["total_documents"] as? Int)
        let passages = try #require(exact["total"] as? Int)
        #expect(documents >= 3 && passages > documents)
        #expect(exact["total_relation"] as? String == "eq" && exact["total_documents_relation"] as? String == "eq")
        let bounded = try json(try dossier(["search", "species trade", "--json", "--limit", "1", "--count-up-to", "1"], in: root).stdout)
        #expect(bounded["total_documents"] as? Int == documents && bounded["total_documents_relation"] as? String == "eq")
        #expect(bounded["total_relation"] as? String == "gte")
        let lower = try #require(bounded["total"] as? Int)
        #expect(lower >= documents && lower <= passages)
        #expect((bounded["results"] as? [[String: Any]])?.map { $0["passage_id"] as? Int } == (exact["results"] as? [[String: Any]])?.map { $0["passage_id"] as? Int })
        let text = try dossier(["search", "species trade", "--limit", "1", "--count-up-to", "1"], in: root).stdout
        #expect(text.contains("at least \(lower) passages match, in \(documents) documents; showing document 1 "), "\(text)")
    }

    @Test("--batch: one JSON line per query from stdin, the same ranking as a single search, errors in-line")
    func batch() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (process, input, output) = try batchProcess(root, limit: 5)
        // The last line's quote, backslash, tab, control character and accent must come back in its "query".
        let awkward = "say \"hi\" \\ back\ttab é\u{01}"
        input.fileHandleForWriting.write(Data("CITES\nspecies OR trade\nbad AND\n\(awkward)\n".utf8))
        try input.fileHandleForWriting.close()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        process.waitUntilExit()
        #expect(lines.count == 4)
        let echoed = try #require(try JSONSerialization.jsonObject(with: Data(lines[3].utf8)) as? [String: Any])
        #expect(echoed["query"] as? String == awkward)
        #expect((echoed["error"] as? String)?.contains("syntax error") == true)
        let either = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(either["total_relation"] as? String == "eq")
        let total = try #require(either["total"] as? Int)
        #expect(total > 0)
        // Counting up to 1: the same hits; the total exact, or at least 1 and at most the exact one.
        let counted = try dossier(["search", "--batch", "--limit", "5", "--count-up-to", "1"], in: root, stdin: "species OR trade\n")
        let bounded = try #require(try JSONSerialization.jsonObject(with: Data(counted.stdout.utf8)) as? [String: Any])
        #expect((bounded["results"] as? [[String: Any]])?.map { $0["passage_id"] as? Int } == (either["results"] as? [[String: Any]])?.map { $0["passage_id"] as? Int })
        let relation = bounded["total_relation"] as? String
        let boundedTotal = try #require(bounded["total"] as? Int)
        #expect(relation == "eq" ? boundedTotal == total : relation == "gte" && boundedTotal >= 1 && boundedTotal <= total)
        #expect(try dossier(["search", "--count-up-to", "-1", "CITES"], in: root).status != 0)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let single = try JSONSerialization.jsonObject(with: Data(try dossier(["search", "CITES", "--flat", "--json", "--limit", "5"], in: root).stdout.utf8)) as? [String: Any]
        #expect((first["results"] as? [[String: Any]])?.map { $0["passage_id"] as? Int } == (single?["results"] as? [[String: Any]])?.map { $0["passage_id"] as? Int })
        #expect(first["took_ms"] is Double)
        let bad = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        #expect((bad["error"] as? String)?.contains("syntax error") == true)
    }

    @Test("--batch answers each query once read, so a script can write one and wait; CRLF and a last line without a break are queries too")
    func batchInteractive() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let (process, input, output) = try batchProcess(root, limit: 3)
        // Should the answer never come, the process is stopped and the read below ends empty.
        DispatchQueue.global().asyncAfter(deadline: .now() + 30) { if process.isRunning { process.terminate() } }
        var received = Data()
        func nextLine() -> String? {
            while true {
                if let newline = received.firstIndex(of: 0x0A) {
                    let line = String(decoding: received[..<newline], as: UTF8.self)
                    received = Data(received[(newline + 1)...])
                    return line
                }
                let more = output.fileHandleForReading.availableData
                if more.isEmpty { return nil }
                received += more
            }
        }
        for query in ["CITES", "species OR trade"] {
            input.fileHandleForWriting.write(Data("\(query)\n".utf8))
            // Standard input stays open: the answer must come before any more input does.
            let line = try #require(nextLine(), "no answer to \(query) while the batch waits for more input")
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(answer["query"] as? String == query)
            #expect((answer["total"] as? Int ?? 0) > 0)
        }
        input.fileHandleForWriting.write(Data("trade\r\nCITES".utf8))
        try input.fileHandleForWriting.close()
        let crlf = try #require(nextLine())
        let last = try #require(nextLine())
        #expect((try JSONSerialization.jsonObject(with: Data(crlf.utf8)) as? [String: Any])?["query"] as? String == "trade")
        #expect((try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])?["query"] as? String == "CITES")
        #expect(nextLine() == nil)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("--strict: a malformed query is exit 2, the error, the query and a caret under the fault")
    func syntaxError() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try dossier(["search", "--strict", "timber AND"], in: root)
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0].hasPrefix("dossier: error: syntax error at character 11"))
        #expect(lines[1] == "  timber AND")
        #expect(lines[2] == "            ^")
    }

    @Test("any text is a query: words of this field with punctuation, stray quotes and operators search, with one hint saying how")
    func lenientQueries() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        for query in ["re-export", "re-export certificate", "CITES-listed species", "non-detriment findings", "pre-Convention",
                      "U.S.", "e.g. ivory", "Côte d'Ivoire", "Member State's", "Regulation (EC) No 338/97", "Annex A/B", "10%",
                      "Art. 5(2)", "\"Appendix II", "timber AND", "(species", "OR trade", "NEAR(export permit"] {
            let result = try dossier(["search", query, "--limit", "1"], in: root)
            #expect(result.status == 0, "\(query): \(result.stderr)")
            #expect(!result.stderr.contains("error"), "\(query): \(result.stderr)")
        }
        // Read as the tokenizer reads the text: the phrase of the parts, and the hint says so.
        let hyphen = try dossier(["search", "export-permit", "--json"], in: root)
        let phrase = try dossier(["search", "\"export permit\"", "--json"], in: root)
        #expect(try json(hyphen.stdout)["total"] as? Int == json(phrase.stdout)["total"] as? Int)
        #expect(try json(hyphen.stdout)["fts5_query"] as? String == "\"export permit\"")
        let text = try dossier(["search", "export-permit"], in: root)
        #expect(text.stderr.components(separatedBy: "\n").filter { $0.hasPrefix("hint: searched: \"export permit\"") }.count == 1)
        // A query written as FTS5 writes it is run as written, without a hint.
        let plain = try dossier(["search", "species OR \"export permit\" NOT bird*"], in: root)
        #expect(plain.status == 0 && !plain.stderr.contains("searched:"))
        // Nothing but punctuation: nothing to search for.
        let nothing = try dossier(["search", "%%% //"], in: root)
        #expect(nothing.status == 2 && nothing.stderr.contains("nothing to search for"))
    }

    @Test("a question's words OR'ed: the document of what it asks about first, not the one of its stop words; --flat is FTS5's order")
    func questionsStopWords() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let notes = root.appendingPathComponent("corpus/notes")
        try "What is it? What I am is what I am, and so it is.\n".write(to: notes.appendingPathComponent("questions.md"), atomically: true, encoding: .utf8)
        try "Pangolin scales seized at the port of Lagos.\n".write(to: notes.appendingPathComponent("pangolins.md"), atomically: true, encoding: .utf8)
        #expect(try dossier(["index"], in: root).status == 0)
        func paths(_ arguments: [String]) throws -> [String] {
            let result = try dossier(["search"] + arguments + ["--json"], in: root)
            #expect(result.status == 0, "\(result.stderr)")
            return (try json(result.stdout)["results"] as? [[String: Any]] ?? []).map { ($0["document"] as? [String: Any])?["path"] as? String ?? "" }
        }
        // By document (the default): what, I, am count for nothing; both notes match.
        let byDocument = try paths(["What OR I OR am OR pangolin", "--per-doc", "1"])
        #expect(byDocument.first == "corpus/notes/pangolins.md" && byDocument.contains("corpus/notes/questions.md"), "\(byDocument)")
        // The flat search ranks passages as FTS5 does: the stop words weigh there.
        #expect(try paths(["What OR I OR am OR pangolin", "--flat"]).first == "corpus/notes/questions.md")
        // All stop words: ranked by them.
        #expect(try paths(["what OR am"]).first == "corpus/notes/questions.md")
    }

    @Test("results by document: documents by their score (--same-passage: their best passage), at most --per-doc each, --limit and --offset counting documents, each with its count of matches")
    func groupedPaging() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        var checked = 0
        for query in ["CITES", "species OR trade", "the", "\"export permit\"", "wildlife*", "permit NOT species"] {
            // Every match, ranked, with its document: the grouping done here from it is the reference.
            let all = try json(try dossier(["search", query, "--flat", "--json", "--limit", "100000"], in: root).stdout)
            let ranked = (all["results"] as? [[String: Any]] ?? []).map {
                ($0["passage_id"] as? Int ?? -1, ($0["document"] as? [String: Any])?["id"] as? Int ?? -1)
            }
            var kept: [Int: [Int]] = [:], matches: [Int: Int] = [:]
            var order: [Int] = []
            for (passage, document) in ranked {
                if kept[document] == nil { order.append(document) }
                matches[document, default: 0] += 1
                kept[document, default: []].append(passage)
            }
            // By default, documents are ranked as documents (the BM25 of the whole document; an OR's first 20 with the
            // words' proximity too): the same documents and counts, in the order of their scores.
            // `--same-passage` keeps the passage ranking's order, checked below page by page.
            let whole = try json(try dossier(["search", query, "--json", "--per-doc", "1", "--limit", "1000"], in: root).stdout)
            let wholeResults = whole["results"] as? [[String: Any]] ?? []
            let documents = wholeResults.map { ($0["document"] as? [String: Any])?["id"] as? Int ?? -1 }
            #expect(Set(documents) == Set(order) && documents.count == order.count, "\(query): the same documents")
            #expect(whole["total"] as? Int == ranked.count && whole["total_documents"] as? Int == order.count, "\(query)")
            for result in wholeResults {
                let document = result["document"] as? [String: Any]
                #expect(document?["matches"] as? Int == matches[document?["id"] as? Int ?? -1], "\(query)")
            }
            let scores = wholeResults.map { ($0["document"] as? [String: Any])?["score"] as? Double ?? .nan }
            let rescored = query.contains(" OR ") ? 20 : 0
            #expect(zip(scores.dropFirst(rescored), scores.dropFirst(rescored + 1)).allSatisfy { $0 >= $1 }, "\(query): by score, \(scores)")
            for (perDoc, limit, offset) in [(3, 10, 0), (1, 2, 0), (2, 3, 1), (5, 50, 2), (3, 1000, 0), (3, 5, 1000)] {
                let documents = Array(order.dropFirst(offset).prefix(limit))
                let expected = documents.flatMap { kept[$0]!.prefix(perDoc) }
                let grouped = try json(try dossier(["search", query, "--json", "--per-doc", "\(perDoc)", "--limit", "\(limit)", "--offset", "\(offset)",
                                                    "--same-passage"], in: root).stdout)
                let results = grouped["results"] as? [[String: Any]] ?? []
                #expect(results.map { $0["passage_id"] as? Int ?? -1 } == expected, "\(query) per-doc \(perDoc) limit \(limit) offset \(offset)")
                #expect(grouped["total"] as? Int == ranked.count, "\(query)")
                #expect(grouped["total_documents"] as? Int == order.count, "\(query)")
                for result in results {
                    let document = result["document"] as? [String: Any]
                    #expect(document?["matches"] as? Int == matches[document?["id"] as? Int ?? -1], "\(query)")
                }
                // Ranks go on from the passages the earlier pages show.
                let before = order.prefix(offset).reduce(0) { $0 + min(perDoc, matches[$1]!) }
                #expect(results.map { $0["rank"] as? Int ?? -1 } == Array((before + 1)..<(before + 1 + results.count)), "\(query)")
                checked += 1
            }
        }
        #expect(checked == 36)
        // Paging through every page of a common word: each matching document once, ending on the last.
        let every = try json(try dossier(["search", "the", "--json", "--per-doc", "1", "--limit", "100000"], in: root).stdout)
        var expectedOrder: [Int] = []
        for result in every["results"] as? [[String: Any]] ?? [] {
            let id = (result["document"] as? [String: Any])?["id"] as? Int ?? -1
            if !expectedOrder.contains(id) { expectedOrder.append(id) }
        }
        var seen: [Int] = [], offset = 0
        while true {
            let page = try json(try dossier(["search", "the", "--json", "--limit", "2", "--offset", "\(offset)"], in: root).stdout)
            var ids: [Int] = []
            for result in page["results"] as? [[String: Any]] ?? [] {
                let id = (result["document"] as? [String: Any])?["id"] as? Int ?? -1
                if ids.last != id { ids.append(id) }
            }
            if ids.isEmpty { break }
            seen += ids
            offset += ids.count
            #expect(offset <= expectedOrder.count)
        }
        #expect(seen == expectedOrder && expectedOrder.count > 2, "\(seen) vs \(expectedOrder)")
        // As text: the rest of a document's matches are one command away, and a page past the end says so.
        let text = try dossier(["search", "CITES", "--per-doc", "1", "--limit", "1"], in: root, environment: ["NO_COLOR": "1"])
        #expect(text.stdout.contains("more passages in this document: dossier search 'CITES' --doc "))
        #expect(text.stdout.contains("showing document 1 ") && text.stdout.contains("More: --offset 1."))
        let past = try dossier(["search", "CITES", "--offset", "1000"], in: root)
        #expect(past.status == 0 && past.stdout.contains("--offset 1000 is past the last of them"))
        // --limit 0 asks for the counts alone: no page is past the end.
        for flat in [false, true] {
            let counts = try dossier(["search", "CITES", "--limit", "0"] + (flat ? ["--flat"] : []), in: root)
            #expect(counts.status == 0 && counts.stdout.contains("match") && counts.stdout.contains("showing none (--limit 0)")
                    && !counts.stdout.contains("past the last"), "\(counts.stdout)")
        }
    }

    @Test("grouped results show the page and highlight the matches; the note is searched too")
    func grouped() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try dossier(["search", "Operation Thunder"], in: root, environment: ["NO_COLOR": "1"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("corpus/notes/iccwc-annual-report-2024.md:"))
        #expect(result.stdout.contains("[Operation] [Thunder]"))
        let none = try dossier(["search", "zebra unicorn"], in: root)
        #expect(none.stdout.contains("No passages match"))
        #expect(none.stdout.contains("zebra OR unicorn"))
        // Pasted text with an apostrophe: the suggested command, run by a shell, searches the words OR'ed.
        let pasted = try dossier(["search", "Parties' zebra"], in: root)
        let suggestion = try #require(pasted.stdout.split(separator: "\n").first { $0.contains("try: dossier search ") })
        let command = String(suggestion[suggestion.range(of: "try: ")!.upperBound...])
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "f() { printf '%s' \"$3\"; }; f " + command]
        let out = Pipe()
        shell.standardOutput = out
        try shell.run()
        shell.waitUntilExit()
        #expect(String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) == "Parties' OR zebra")
    }
}

@Suite("Documents matched on all their words, from the command line")
struct WholeDocumentCLITests {
    @Test("timber trafficking lists the EU guide, whose words are on different pages, with p. 4, a timber page and the note")
    func timberTrafficking() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        for name in ["EU-Wildlife-Trade-Reference-Guide.pdf", "rcites__paper.pdf"] {
            try FileManager.default.copyItem(at: shared.appendingPathComponent(name), to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        #expect(try dossier(["index"], in: root).status == 0)
        func results(_ arguments: [String]) throws -> [[String: Any]] {
            let run = try dossier(["search", "--json", "timber trafficking"] + arguments, in: root)
            #expect(run.status == 0, "\(run.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            return object["results"] as? [[String: Any]] ?? []
        }
        func isGuide(_ result: [String: Any]) -> Bool {
            ((result["document"] as? [String: Any])?["path"] as? String ?? "").hasSuffix("EU-Wildlife-Trade-Reference-Guide.pdf")
        }
        let found = try results([])
        let guide = found.filter(isGuide)
        #expect(guide.count >= 2, "the guide and its passages: \(found.count) results")
        #expect(guide.allSatisfy { ($0["document"] as? [String: Any])?["words_together"] as? Bool == false })
        #expect(guide.contains { $0["page"] as? Int == 4 && ($0["snippet"] as? String ?? "").localizedCaseInsensitiveContains("trafficking") })
        #expect(guide.contains { ($0["snippet"] as? String ?? "").localizedCaseInsensitiveContains("timber") })
        #expect(found.contains { ($0["document"] as? [String: Any])?["kind"] as? String == "note" })
        // Documents come in the order of their score, which each result carries.
        let scores = found.compactMap { ($0["document"] as? [String: Any])?["score"] as? Double }
        #expect(scores.count == found.count && zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 }, "\(scores)")
        // FTS5's rule (every word in one passage) leaves the guide out, by passage and by document.
        #expect(try results(["--flat"]).contains(where: isGuide) == false)
        #expect(try results(["--same-passage"]).contains(where: isGuide) == false)
        // The text output says why the guide shows two passages apart.
        let text = try dossier(["search", "timber trafficking"], in: root, environment: ["NO_COLOR": "1"])
        #expect(text.stdout.contains("the words are on different pages of this document"))
        #expect(text.stdout.contains("with some of the words: dossier search 'timber OR trafficking' --doc"))
    }
}
