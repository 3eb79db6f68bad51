import Catalog
import DossierCore
import Foundation
import TestSupport
import Testing

/// Web pages from the command line: their article is what is indexed,
/// what they say of themselves is what `documents` and `show` say, and a
/// page stored by an older extraction is read again by the next run.
@Suite("dossier index on web pages")
struct WebPageCLITests {
    static let paragraphs = [
        "Customs officers at the port of Mombasa seized 3.3 tonnes of ivory hidden in a container of tea bound for Asia.",
        "Investigators traced the shipment to a network that had moved ivory and pangolin scales through three countries since 2019.",
        "The case was referred to prosecutors under the Wildlife Conservation and Management Act, with penalties of up to life imprisonment.",
        "Forensic analysis of the tusks will show where the elephants were killed, helping rangers to protect the herds most at risk.",
    ]

    static let news = """
        <!DOCTYPE html><html lang="en"><head><title>Ivory seizure | Wildlife news</title>
        <meta name="citation_author" content="Ana Ruiz"><meta name="citation_publication_date" content="2024-03-02">
        <meta property="og:site_name" content="Wildlife Justice News"><meta name="citation_doi" content="10.5555/ivory.2024.7">
        </head><body>
        <div class="cookie-notice"><p>We use cookies to personalise content and adverts and to analyse our traffic, by clicking accept you agree.</p></div>
        <div class="menu"><ul>\((1...30).map { "<li><a href=\"/t/\($0)\">Section \($0)</a></li>" }.joined())</ul></div>
        <article><h1>Record ivory seizure in Mombasa</h1>\(paragraphs.map { "<p>\($0)</p>" }.joined())</article>
        <div class="related"><h2>Related</h2><ul><li><a href="/x">Rhino horn smugglers jailed</a></li><li><a href="/y">Pangolin trade routes</a></li></ul></div>
        </body></html>
        """

    static let links = """
        <html><head><title>Links</title></head><body><div><a href="/a">Reports</a> · <a href="/b">Data</a></div>
        <div>Opening hours: 9–17</div></body></html>
        """

    func workspace() throws -> URL {
        let root = try temporaryFolder()
        #expect(try dossier(["init", root.path]).status == 0)
        let library = root.appendingPathComponent("corpus/library")
        try Data(Self.news.utf8).write(to: library.appendingPathComponent("news.html"))
        try Data(Self.links.utf8).write(to: library.appendingPathComponent("links.html"))
        #expect(try dossier(["index"], in: root).status == 0)
        return root
    }

    func documents(_ root: URL) throws -> [String: [String: Any]] {
        let listed = try dossier(["documents", "--json"], in: root)
        #expect(listed.status == 0, "\(listed.stderr)")
        let all = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: all.map { (($0["path"] as? String) ?? "", $0) })
    }

    @Test("a web page's article is indexed, not its cookie notice, menu or related links; its metadata is listed and shown")
    func articleAndMetadata() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let listed = try documents(root)
        let news = try #require(listed["corpus/library/news.html"])
        #expect(news["author"] as? String == "Ana Ruiz")
        #expect(news["published"] as? String == "2024-03-02")
        #expect(news["site"] as? String == "Wildlife Justice News")
        #expect(news["doi"] as? String == "10.5555/ivory.2024.7")
        #expect(news["whole_page"] as? Bool == false)
        #expect(listed["corpus/library/links.html"]?["whole_page"] as? Bool == true)
        let text = try dossier(["documents"], in: root).stdout
        #expect(text.contains("no article told apart from the page around it"))

        let show = try dossier(["show", "corpus/library/news.html"], in: root)
        #expect(show.stdout.contains("by Ana Ruiz · dated 2024-03-02 · Wildlife Justice News · doi:10.5555/ivory.2024.7"))
        for paragraph in Self.paragraphs { #expect(show.stdout.contains(paragraph)) }
        for gone in ["We use cookies", "Section 12", "Rhino horn smugglers jailed"] { #expect(!show.stdout.contains(gone), "\(gone)") }
        let search = try dossier(["search", "cookies adverts", "--json"], in: root)
        let hits = try #require(try JSONSerialization.jsonObject(with: Data(search.stdout.utf8)) as? [String: Any])
        #expect((hits["total"] as? Int) == 0, "\(search.stdout)")
    }

    @Test("a web page an older extraction stored is read again by the next run, under the same number")
    func olderExtraction() throws {
        let root = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let before = try documents(root)
        let number = try #require(before["corpus/library/news.html"]?["id"] as? Int)
        // As a catalog made before schema 15 holds it: extractor 0, no metadata.
        do {
            let db = try SQLiteDatabase(path: root.appendingPathComponent("index/catalog.sqlite").path)
            try db.run("UPDATE documents SET extractor = 0, site = NULL, doi = NULL WHERE kind = 'html'")
        }
        #expect(try documents(root)["corpus/library/news.html"]?["site"] is NSNull)
        let again = try dossier(["index"], in: root)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("2 extracted"), "\(again.stdout)")
        let after = try documents(root)
        #expect(after["corpus/library/news.html"]?["id"] as? Int == number)
        #expect(after["corpus/library/news.html"]?["site"] as? String == "Wildlife Justice News")
        // Read again once, not on every run.
        #expect(try dossier(["index"], in: root).stdout.contains("0 extracted"))
    }
}
