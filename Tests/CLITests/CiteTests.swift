import Foundation
import TestSupport
import Testing

/// A library you can cite (issue 35, items 3 and 4): each document's
/// metadata with its sources, the user's corrections, and `dossier cite`
/// in Markdown, BibTeX and CSL-JSON.
@Suite("dossier cite and dossier meta")
struct CiteTests {
    static let shared = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
    static let env = ["DOSSIER_BACKOFF_MS": "10", "DOSSIER_POLITENESS_MS": "0"]

    /// Each shared report's title and year, read by hand from its pages
    /// (a cover's date before the file's: the Spanish and French guides
    /// say October 2013, their files were written in January 2014).
    static let handRead: [(file: String, title: String, year: String)] = [
        ("EU-Wildlife-Trade-Reference-Guide.pdf", "EU Wildlife Trade Regulations – Reference Guide", "2026"),
        ("SAPI__cites_trade_guidelines__en-CITES_Trade_Database_Guide.pdf", "A guide to using the CITES Trade Database", "2022"),
        ("SAPI__cites_trade_guidelines__es-CITES_Trade_Database_Guide.pdf", "Guía para utilizar la Base de datos sobre el comercio CITES", "2013"),
        ("SAPI__cites_trade_guidelines__fr-CITES_Trade_Database_Guide.pdf", "Guide d’utilisation de la base de données sur le commerce CITES", "2013"),
        ("SAPI__latex__CITES_abbreviations_and_annotations.pdf", "Key to abbreviations and annotations", "2012"),
        ("SAPI__latex__Historical_summary_of_CITES_annotations.pdf", "Historical Summary of Annotations", "2012"),
        ("SAPI__latex__history_introduction_en.pdf", "History of CITES listings", "2021"),
        ("SAPI__latex__history_introduction_es.pdf", "Lista de especies CITES (2013) – Parte 2: Historia de las inclusiones en los Apéndices de la CITES", "2021"),
        ("SAPI__latex__history_introduction_fr.pdf", "Liste des espèces CITES (2013) – Tome 2: Annales des inscriptions à la CITES", "2021"),
        ("SAPI__latex__index_introduction_en.pdf", "Index of CITES species", "2021"),
        ("SAPI__latex__index_introduction_es.pdf", "Lista de especies CITES (2013) – Parte 1: Índice de especies CITES", "2021"),
        ("SAPI__latex__index_introduction_fr.pdf", "Liste des espèces CITES (2013) – Tome 1: Répertoire des espèces CITES", "2021"),
        ("rcites__paper.pdf", "citesr: An R package to access the CITES Speciesplus database", "2018"),
    ]

    /// Runs `python3 -c script arguments…`.
    static func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Document number by URL, from `documents --json`.
    static func numbers(_ root: URL) throws -> [String: Int] {
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["documents", "--json"], in: root).stdout.utf8)) as? [[String: Any]])
        var out: [String: Int] = [:]
        for document in listed {
            for url in document["urls"] as? [String] ?? [] { out[url] = document["id"] as? Int }
        }
        return out
    }

    @Test("each shared report's cite has its hand-read title and year, its URL at the page; BibTeX parses, CSL-JSON validates, Markdown reads back")
    func sharedReports() throws {
        try #require(FileManager.default.fileExists(atPath: Self.shared.path), "../shared/corpus-real is not beside the repository")
        var files: [String: [UInt8]] = [:]
        for report in Self.handRead { files["/reports/" + report.file] = [UInt8](try Data(contentsOf: Self.shared.appendingPathComponent(report.file))) }
        let served = files
        let server = try TestHTTPServer { request in
            guard let body = served[request.uri] else { return .respond(status: 404, headers: [], body: []) }
            return .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: body)
        }
        defer { server.shutdown() }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        let note = root.appendingPathComponent("corpus/notes/reports.md")
        try Data(("# Reports\n" + Self.handRead.map { "- [\($0.file)](\(server.url("/reports/" + $0.file)))" }.joined(separator: "\n") + "\n").utf8)
            .write(to: note)
        let update = try dossier(["update"], in: root, environment: Self.env)
        #expect(update.status == 0, "\(update.stderr)")
        let numbers = try Self.numbers(root)

        var bib = "", items: [Any] = []
        for report in Self.handRead {
            let url = server.url("/reports/" + report.file)
            let id = try #require(numbers[url], "\(report.file) has no document")
            let markdown = try dossier(["cite", "\(id):2"], in: root)
            #expect(markdown.status == 0, "\(markdown.stderr)")
            let line = markdown.stdout.trimmingCharacters(in: .newlines)
            #expect(line.hasPrefix("[\(report.title), p. ") && line.hasSuffix("](\(url)#page=2)"), "\(report.file): \(line)")
            let bibtex = try dossier(["cite", "\(id):2", "--format", "bibtex"], in: root).stdout
            #expect(bibtex.contains("title = {{\(report.title)}}") && bibtex.contains("year = {\(report.year)}") && bibtex.contains("url = {\(url)}"),
                    "\(report.file): \(bibtex)")
            bib += bibtex + "\n"
            let csl = try dossier(["cite", "\(id):2", "--format", "csl-json"], in: root).stdout
            let item = try #require((try JSONSerialization.jsonObject(with: Data(csl.utf8)) as? [[String: Any]])?.first)
            #expect(item["title"] as? String == report.title && item["URL"] as? String == url && item["type"] as? String == "report")
            #expect(((item["issued"] as? [String: Any])?["date-parts"] as? [[Int]])?.first?.first == Int(report.year), "\(report.file): \(csl)")
            items.append(item)
        }
        // The authors as people and organizations: the English guide's two organizations, taken whole.
        let guide = try dossier(["cite", "\(try #require(numbers[server.url("/reports/" + Self.handRead[1].file)]))", "--format", "bibtex"], in: root).stdout
        #expect(guide.contains("author = {{UNEP-WCMC} and {CITES Secretariat}}"), "\(guide)")
        #expect(guide.contains("date = {2022-09}"), "\(guide)")

        // Every entry parses in pybtex, keys all different, years as read by hand.
        let bibFile = root.appendingPathComponent("reports.bib")
        try Data(bib.utf8).write(to: bibFile)
        let parsed = try Self.python("""
            import sys
            from pybtex.database import parse_file
            db = parse_file(sys.argv[1], bib_format='bibtex')
            for key, entry in db.entries.items():
                print(key, entry.fields['year'], len(entry.persons.get('author', [])))
            """, [bibFile.path])
        #expect(parsed.status == 0, "\(parsed.output)")
        #expect(parsed.output.split(separator: "\n").count == Self.handRead.count, "\(parsed.output)")
        #expect(parsed.output.split(separator: "\n").map { $0.split(separator: " ")[1] }.sorted() == Self.handRead.map { Substring($0.year) }.sorted())

        // The CSL-JSON items validate against the CSL data schema.
        let cslFile = root.appendingPathComponent("reports.json")
        try JSONSerialization.data(withJSONObject: items).write(to: cslFile)
        let valid = try Self.python("""
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            data = json.load(open(sys.argv[2]))
            jsonschema.Draft7Validator.check_schema(schema)
            jsonschema.validate(data, schema, cls=jsonschema.Draft7Validator)
            print(len(data))
            """, [repositoryRoot.appendingPathComponent("Tests/schemas/csl-data.json").path, cslFile.path])
        #expect(valid.status == 0 && valid.output.hasPrefix("13"), "\(valid.output)")

        // The Markdown of page 59 of the EU guide, pasted into the note, is a citation of that document at that page.
        let euURL = server.url("/reports/" + Self.handRead[0].file)
        let eu = try #require(numbers[euURL])
        let cite59 = try dossier(["cite", "\(eu):59"], in: root).stdout.trimmingCharacters(in: .newlines)
        #expect(cite59 == "[EU Wildlife Trade Regulations – Reference Guide, p. 59](\(euURL)#page=59)")
        try Data((try String(contentsOf: note, encoding: .utf8) + "\nCaptive-bred specimens: \(cite59)\n").utf8).write(to: note)
        #expect(try dossier(["update"], in: root, environment: Self.env).status == 0)
        let links = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["links", "--json"], in: root).stdout.utf8)) as? [[String: Any]])
        let back = links.filter { $0["page"] as? Int == 59 }
        #expect(back.count == 1 && back.first?["document_id"] as? Int == eu && back.first?["normalized_url"] as? String == euURL, "\(back)")
        #expect(back.first?["label"] as? String == "EU Wildlife Trade Regulations – Reference Guide, p. 59")
        #expect(try Self.numbers(root)[euURL] == eu)
        let search = try dossier(["search", "captive-bred specimens"], in: root).stdout
        #expect(search.contains("p. 59"), "\(search)")
    }

    @Test("meta shows each field's source; --set outlives a new version of the document; --unset gives the field back; bad values are refused")
    func metaOverrides() throws {
        let drawn = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: drawn) }
        PDFFixture.write([.init(label: nil, lines: ["Rosewood Trade Review", "Seizures of rosewood logs in 2023."], sizes: [20])],
                         to: drawn.appendingPathComponent("1.pdf"))
        PDFFixture.write([.init(label: nil, lines: ["Rosewood Trade Review", "Seizures of rosewood logs in 2024, revised."], sizes: [20])],
                         to: drawn.appendingPathComponent("2.pdf"))
        let first = [UInt8](try Data(contentsOf: drawn.appendingPathComponent("1.pdf")))
        let second = [UInt8](try Data(contentsOf: drawn.appendingPathComponent("2.pdf")))
        let version = Counter()
        let server = try TestHTTPServer { _ in
            .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: version.value == 0 ? first : second)
        }
        defer { server.shutdown() }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        try Data("- [review](\(server.url("/review.pdf")))\n".utf8).write(to: root.appendingPathComponent("corpus/notes/n.md"))
        #expect(try dossier(["update"], in: root, environment: Self.env).status == 0)
        let id = try #require(try Self.numbers(root)[server.url("/review.pdf")])
        let shown = try dossier(["meta", "\(id)"], in: root).stdout
        #expect(shown.contains("title      Rosewood Trade Review  (layout)"), "\(shown)")

        let set = try dossier(["meta", "\(id)", "--set", "title=Rosewood: a trade review", "--set", "year=2023-05", "--set",
                               "authors=TRAFFIC; Jane Doe", "--set", "doi=https://doi.org/10.1234/rosewood.2023."], in: root)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("title      Rosewood: a trade review  (user)") && set.stdout.contains("also layout: Rosewood Trade Review"), "\(set.stdout)")
        #expect(set.stdout.contains("doi        10.1234/rosewood.2023  (user)"), "\(set.stdout)")

        // A new version of the report: extracted again, same number, the user's values kept.
        version.value = 1
        #expect(try dossier(["update", "--force"], in: root, environment: Self.env).status == 0)
        #expect(try Self.numbers(root)[server.url("/review.pdf")] == id)
        #expect(try dossier(["show", "\(id)"], in: root).stdout.contains("2024, revised"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["meta", "\(id)", "--json"], in: root).stdout.utf8)) as? [String: Any])
        let fields = try #require(json["fields"] as? [String: [String: String]])
        #expect(fields["title"] == ["value": "Rosewood: a trade review", "source": "user"])
        #expect(fields["issued"] == ["value": "2023-05", "source": "user"])
        #expect(try dossier(["documents"], in: root).stdout.contains("Rosewood: a trade review"))
        let bibtex = try dossier(["cite", "\(id)", "--format", "bibtex"], in: root).stdout
        #expect(bibtex.contains("@misc{traffic2023rosewood,") && bibtex.contains("author = {{TRAFFIC} and Doe, Jane}")
                && bibtex.contains("doi = {10.1234/rosewood.2023}"), "\(bibtex)")

        let unset = try dossier(["meta", "\(id)", "--unset", "title"], in: root)
        #expect(unset.stdout.contains("title      Rosewood Trade Review  (layout)"), "\(unset.stdout)")
        #expect(try dossier(["documents"], in: root).stdout.contains("Rosewood Trade Review"))

        for (bad, message) in [("year=soon", "is no date"), ("doi=none", "is no DOI"), ("colour=red", "no field 'colour'"), ("title", "field=value")] {
            let refused = try dossier(["meta", "\(id)", "--set", bad], in: root)
            #expect(refused.status != 0 && refused.stderr.contains(message) && refused.stderr.split(separator: "\n").count == 1, "\(bad): \(refused.stderr)")
        }
        #expect(try dossier(["meta", "999"], in: root).stderr.contains("no document '999'"))
    }

    @Test("a PDF found through a landing page takes the landing page's citation_* tags first; its own readings stay as others")
    func landingPage() throws {
        let report = [UInt8](try Data(contentsOf: Self.shared.appendingPathComponent("rcites__paper.pdf")))
        let landing = """
            <html lang="en"><head><title>rcites | JOSS</title>
            <meta name="citation_title" content="rcites: An R package to access the CITES Speciesplus database">
            <meta name="citation_author" content="Geschke, Jonas"><meta name="citation_author" content="Chamberlain, Scott">
            <meta name="citation_publication_date" content="2018/07/30"><meta name="citation_doi" content="10.21105/joss.00803">
            <meta name="citation_publisher" content="The Open Journal"><meta name="citation_pdf_url" content="/paper.pdf">
            </head><body><article><h1>rcites</h1><p>A paper about an R client for the Species+ API, with its abstract and its
            references to the CITES trade database, long enough to be read as the page's article by the extractor.</p></article></body></html>
            """
        let server = try TestHTTPServer { request in
            switch request.uri {
            case "/record": return .respond(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(landing.utf8))
            case "/paper.pdf": return .respond(status: 200, headers: [("Content-Type", "application/pdf")], body: report)
            default: return .respond(status: 404, headers: [], body: [])
            }
        }
        defer { server.shutdown() }
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        try Data("- [rcites](\(server.url("/record")))\n".utf8).write(to: root.appendingPathComponent("corpus/notes/n.md"))
        #expect(try dossier(["update"], in: root, environment: Self.env).status == 0)
        let id = try #require(try Self.numbers(root)[server.url("/paper.pdf")])
        let meta = try dossier(["meta", "\(id)"], in: root).stdout
        #expect(meta.contains("title      rcites: An R package to access the CITES Speciesplus database  (landing)"), "\(meta)")
        #expect(meta.contains("also info: citesr: An R package"), "\(meta)")
        #expect(meta.contains("issued     2018-07-30  (landing)") && meta.contains("doi        10.21105/joss.00803  (landing)"), "\(meta)")
        let csl = try #require((try JSONSerialization.jsonObject(with: Data(try dossier(["cite", "\(id):1", "--format", "csl-json"], in: root).stdout.utf8))
            as? [[String: Any]])?.first)
        #expect(csl["DOI"] as? String == "10.21105/joss.00803" && csl["publisher"] as? String == "The Open Journal")
        #expect((csl["author"] as? [[String: String]])?.first == ["family": "Geschke", "given": "Jonas"])
        #expect(csl["URL"] as? String == server.url("/paper.pdf") && csl["accessed"] != nil)
    }

    @Test("cite --result N cites result N of the last search at its page, as the result's own cite field; a missing result is a clear error")
    func fromResults() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try dossier(["init", root.path]).status == 0)
        PDFFixture.write([.init(label: "i", lines: ["Front matter"]), .init(label: "1", lines: ["Pangolin scales seized at the port"])],
                         to: root.appendingPathComponent("corpus/library/pangolin.pdf"))
        #expect(try dossier(["index"], in: root).status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(try dossier(["search", "pangolin", "--json"], in: root).stdout.utf8)) as? [String: Any])
        let result = try #require((json["results"] as? [[String: Any]])?.first)
        #expect(result["cite"] as? String == "[Pangolin scales seized at the port, p. 1](../library/pangolin.pdf#page=2)" || (result["cite"] as? String)?.hasSuffix(", p. 1](../library/pangolin.pdf#page=2)") == true,
                "\(result["cite"] ?? "none")")
        let cited = try dossier(["cite", "--result", "1"], in: root)
        #expect(cited.status == 0 && cited.stdout.trimmingCharacters(in: .newlines) == result["cite"] as? String, "\(cited.stdout) \(cited.stderr)")
        let csl = try dossier(["cite", "--result", "1", "--format", "csl-json"], in: root).stdout
        #expect(csl.contains("\"locator\" : \"1\""), "\(csl)")
        let missing = try dossier(["cite", "--result", "7"], in: root)
        #expect(missing.status != 0 && missing.stderr.contains("there is no result 7"), "\(missing.stderr)")
        #expect(try dossier(["cite"], in: root).status != 0)
        // A last search this build cannot read (another version's, a broken file): one line, not a decoder's dump.
        try Data("{\"bad\": 1}".utf8).write(to: root.appendingPathComponent("index/last-search.json"))
        for command in [["cite", "--result", "1"], ["open", "1"]] {
            let unreadable = try dossier(command, in: root)
            #expect(unreadable.status != 0 && unreadable.stderr == "dossier: error: the last search (index/last-search.json) cannot be read: run `dossier search QUERY` again\n",
                    "\(unreadable.stderr)")
        }
        #expect(try dossier(["cite", "1:9"], in: root).stderr.contains("there is no page 9"))
    }
}
