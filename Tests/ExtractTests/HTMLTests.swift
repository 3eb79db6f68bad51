import DossierCore
import Extract
import Foundation
import TestSupport
import Testing

@Suite("Web page extraction")
struct HTMLTests {
    let page = """
        <!DOCTYPE html>
        <html lang="en"><head>
          <meta charset="utf-8">
          <title>Wildlife crime | UNODC</title>
          <meta property="og:title" content="World Wildlife Crime Report 2024">
          <style>body { color: red } .timber { }</style>
          <script>var trafficking = "in a script";</script>
        </head>
        <body>
          <header><a href="/">UNODC home</a> Menu</header>
          <nav><ul><li>Drugs</li><li>Crime</li></ul></nav>
          <main>
            <h1>Wildlife crime</h1>
            <p>Seizures of <b>rosewood</b> and
               pangolin scales rose&nbsp;in 2023.</p>
            <p>Code shown as text: &lt;script&gt;alert(1)&lt;/script&gt;</p>
            <h2>Timber</h2>
            <ul><li>Illegal logging</li><li>Fraudulent permits</li></ul>
            <div hidden>Invisible words</div>
          </main>
          <footer>© United Nations</footer>
        </body></html>
        """

    func extract(_ html: String) throws -> ExtractedDocument {
        let folder = try PDFFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("page.html")
        try Data(html.utf8).write(to: url)
        return try DocumentExtractor.extract(path: url.path)
    }

    @Test("the main text without script, style, nav, header and footer; og:title; one page")
    func mainText() throws {
        let document = try extract(page)
        #expect(document.title == "World Wildlife Crime Report 2024")
        #expect(document.pages.count == 1)
        let text = document.pages[0].text
        #expect(text.contains("Seizures of rosewood and pangolin scales rose in 2023."))
        #expect(text.contains("Code shown as text: <script>alert(1)</script>"))
        #expect(text.contains("Illegal logging\nFraudulent permits") || text.contains("Illegal logging Fraudulent permits"))
        for absent in ["in a script", "color: red", "UNODC home", "Drugs", "United Nations", "Invisible"] {
            #expect(!text.contains(absent), "\(absent)")
        }
    }

    @Test("text a browser hides is left out: hidden, aria-hidden, and styles that say display:none or visibility:hidden, however written")
    func hiddenText() throws {
        let html = """
            <html><body><main>
              <p>Seizures of rosewood rose in 2023 across the region, the report says.</p>
              <p style="DISPLAY : None">Words one</p>
              <p style="color:red;visibility:\thidden">Words two</p>
              <p aria-hidden="TRUE">Words three</p>
              <p style="display:inline">Kept four</p>
              <p style="display: block">Kept five</p>
              <p style="visibility:visible">Kept six</p>
            </main></body></html>
            """
        let text = try extract(html).pages[0].text
        for gone in ["Words one", "Words two", "Words three"] { #expect(!text.contains(gone), "\(gone)") }
        for kept in ["Kept four", "Kept five", "Kept six", "Seizures of rosewood"] { #expect(text.contains(kept), "\(kept)") }
    }

    @Test("headings are passage boundaries")
    func headingsBound() throws {
        let document = try extract(page)
        let page = document.pages[0]
        let scalars = Array(page.text.unicodeScalars)
        let passages = page.passages.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }
        #expect(passages.count == 2)
        #expect(passages[0].hasPrefix("Wildlife crime"))
        #expect(passages[1].hasPrefix("Timber"))
        #expect(!passages[0].contains("Timber"))
    }

    @Test("the title falls back to <title>, then the first heading; an empty file fails")
    func titles() throws {
        #expect(try extract("<html><head><title> Plain  title </title></head><body><p>x</p></body></html>").title == "Plain title")
        #expect(try extract("<html><body><h2>Only heading</h2><p>words</p></body></html>").title == "Only heading")
        #expect(throws: ExtractionError.self) { try extract("") }
    }

    @Test("the kind comes from the bytes, not the name")
    func sniff() {
        #expect(DocumentKind.sniff(Array("%PDF-1.7\n".utf8)) == .pdf)
        #expect(DocumentKind.sniff(Array("\n\n<!DOCTYPE html><html>".utf8)) == .html)
        #expect(DocumentKind.sniff(Array("PK\u{3}\u{4}".utf8)) == .other)
    }
}
