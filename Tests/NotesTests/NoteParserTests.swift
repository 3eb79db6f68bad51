import DossierCore
import Foundation
import Notes
import Testing

func parse(_ text: String, format: NoteFormat = .markdown) -> ParsedNote {
    NoteParser.parse(Data(text.utf8), format: format)
}

@Suite("Note parser")
struct NoteParserTests {
    @Test("CRLF line ends, a byte-order mark and bytes that are not UTF-8: right lines, one warning")
    func messyBytes() throws {
        var data = Data([0xEF, 0xBB, 0xBF])
        data.append(Data("# Title\r\n\r\nSee [the report](https://example.org/a.pdf).\r\n".utf8))
        data.append(Data([0x42, 0x61, 0x64, 0xFF, 0xFE, 0x20]))
        data.append(Data("bytes then https://example.org/b.pdf\r\nlast [x](http://example.org/c)".utf8))
        let parsed = NoteParser.parse(data, format: .markdown)
        #expect(parsed.citations.map(\.line) == [3, 4, 5])
        #expect(parsed.citations.map(\.column) == [5, 18, 6])
        #expect(parsed.citations[0].label == "the report")
        #expect(parsed.citations[0].headingPath == ["Title"])
        #expect(parsed.citations[1].url == "https://example.org/b.pdf")
        #expect(parsed.warnings == [NoteWarning(line: 4, message: "bytes that are not UTF-8 replaced by U+FFFD")])
        #expect(parsed.citations[2].text == "last [x](http://example.org/c)")
        #expect(parsed.lineCount == 5)
    }

    @Test("each link's extent in its line: the source text of an inline, image, reference, autolink and bare link")
    func extents() {
        let text = """
            - [ ] Café [Report](https://example.org/r.pdf "T") then ![img](https://example.org/i.png) and [ref][r].
            See <https://example.org/a>, or https://example.org/b_(c). `https://example.org/code`

            [r]: https://example.org/ref
            [unused]: https://example.org/unused
            """
        let parsed = parse(text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array(String($0).unicodeScalars) }
        let sources = parsed.citations.map { c -> String in
            guard c.length > 0 else { return "" }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: lines[c.line - 1][(c.column - 1)..<(c.column - 1 + c.length)])
            return String(view)
        }
        #expect(sources == ["[Report](https://example.org/r.pdf \"T\")", "![img](https://example.org/i.png)", "[ref][r]",
                            "<https://example.org/a>", "https://example.org/b_(c)", ""])
    }

    @Test("old Mac CR line ends count as lines")
    func carriageReturnOnly() {
        let parsed = parse("one\rtwo https://a.example/x\rthree")
        #expect(parsed.citations.map(\.line) == [2])
        #expect(parsed.lineCount == 3)
    }

    @Test("URLs with balanced parentheses, in inline links and bare")
    func parentheses() {
        let parsed = parse("""
            [Wiki](https://en.wikipedia.org/wiki/CITES_(convention)) and (see https://en.wikipedia.org/wiki/Ivory_(material)).
            Also <https://example.org/a_(b)>.
            """)
        #expect(parsed.citations.map(\.url) == [
            "https://en.wikipedia.org/wiki/CITES_(convention)",
            "https://en.wikipedia.org/wiki/Ivory_(material)",
            "https://example.org/a_(b)",
        ])
        #expect(parsed.citations.map(\.syntax) == [.inline, .bare, .autolink])
        #expect(parsed.citations[2].column == 6)
    }

    @Test("bare URLs lose trailing punctuation and an unbalanced parenthesis")
    func bareTrailingPunctuation() {
        let parsed = parse("""
            Read https://a.example/report.pdf. Then https://b.example/x, https://c.example/y; https://d.example/z: done!
            Really? https://e.example/q?id=1! (Quoted https://f.example/p) and "https://g.example/h" or https://h.example/*emph*
            """)
        #expect(parsed.citations.map(\.url) == [
            "https://a.example/report.pdf", "https://b.example/x", "https://c.example/y", "https://d.example/z",
            "https://e.example/q?id=1", "https://f.example/p", "https://g.example/h", "https://h.example/*emph",
        ])
        #expect(parsed.citations[0].column == 6)
        #expect(parsed.citations.allSatisfy { $0.syntax == .bare })
    }

    @Test("a bare URL's label is the text of its line around it")
    func bareLabel() {
        let parsed = parse("- [x] UNODC wildlife report: https://www.unodc.org/wwcr.pdf (2024)\nhttps://only.example/")
        #expect(parsed.citations[0].label == "UNODC wildlife report: (2024")
        #expect(parsed.citations[0].task == .done)
        #expect(parsed.citations[1].label == "https://only.example/")
    }

    @Test("reference links: full, collapsed and shortcut, with definitions anywhere; an unused definition still counts")
    func referenceLinks() {
        let parsed = parse("""
            # Sources
            The [World Wildlife Crime Report][wwcr] and [CITES][] and [Interpol].
            A [broken][nothing] reference is text.

            [wwcr]: https://www.unodc.org/wwcr.pdf "Title"
              [cites]: <https://cites.org/eng>
            [INTERPOL]: https://interpol.int/
            [spare]: https://spare.example/doc.pdf
            [local]: ./other.md
            """)
        let rows = parsed.citations.map { ($0.line, $0.column, $0.label, $0.url, $0.syntax) }
        #expect(rows.count == 4)
        #expect(rows[0] == (2, 5, "World Wildlife Crime Report", "https://www.unodc.org/wwcr.pdf", .reference))
        #expect(rows[1] == (2, 45, "CITES", "https://cites.org/eng", .reference))
        #expect(rows[2] == (2, 59, "Interpol", "https://interpol.int/", .reference))
        #expect(rows[3] == (8, 1, "spare", "https://spare.example/doc.pdf", .definition))
        #expect(parsed.citations[3].headingPath == ["Sources"])
    }

    @Test("code blocks and code spans hold no links; images and titles are handled")
    func code() {
        let parsed = parse("""
            ```
            https://in.fence/ignored
            ```
            Use `https://in.span/ignored` but ![chart](https://img.example/c.png "A chart").
            ~~~~
            [x](https://also.ignored/)
            ~~~~
            [titled](https://t.example/ 'single') [angle](<https://a.example/with space>)
            """)
        #expect(parsed.citations.map(\.url) == ["https://img.example/c.png", "https://t.example/", "https://a.example/with space"])
        #expect(parsed.citations[0].label == "chart")
        #expect(parsed.citations[0].column == 35)
        #expect(parsed.citations[2].normalizedURL == "https://a.example/with%20space")
    }

    @Test("setext headings, closing #s and nested levels make the heading path")
    func headings() {
        let parsed = parse("""
            Report **2024**
            ===============
            ## Part *one* ##
            [a](https://a.example/)
            ### Deeper
            Section two
            -----------
            [b](https://b.example/)
            """)
        #expect(parsed.citations[0].headingPath == ["Report 2024", "Part one"])
        #expect(parsed.citations[1].headingPath == ["Report 2024", "Section two"])
    }

    @Test("links are not relative, mailto or other schemes")
    func onlyHTTP() {
        let parsed = parse("[a](./a.md) [m](mailto:x@y.org) <ftp://x.org/f> [h](HTTPS://Case.Example/A)")
        #expect(parsed.citations.map(\.normalizedURL) == ["https://case.example/A"])
    }

    @Test("plain-text notes: no headings, but every link form")
    func plainText() {
        let parsed = parse("# not a heading https://a.example/\n[l](https://b.example/)", format: .plainText)
        #expect(parsed.citations.map(\.headingPath) == [[], []])
        #expect(parsed.citations.map(\.label) == ["not a heading", "l"])
    }

    @Test("a note without links, an empty note")
    func nothing() {
        #expect(parse("just words\n\n- [ ] a task").citations.isEmpty)
        let empty = parse("")
        #expect(empty.citations.isEmpty && empty.lineCount == 0 && empty.warnings.isEmpty)
    }

    @Test("a large note, and a single enormous line, parse in linear time")
    func large() {
        // 20 MB over 200,000 lines, one link per 10 lines.
        var text = ""
        text.reserveCapacity(21_000_000)
        let filler = String(repeating: "wildlife trade ", count: 6)
        for i in 0..<200_000 {
            text += i % 10 == 0 ? "- [ ] [Doc \(i)](https://example.org/\(i).pdf) \(filler)\n" : "\(filler)\(filler)\n"
        }
        let parsed = parse(text)
        #expect(parsed.citations.count == 20_000)
        #expect(parsed.citations.last?.line == 199_991)

        // One 5 MB line of unmatched brackets and backticks, and links.
        let hostile = String(repeating: "[`(<", count: 1_000_000) + " https://end.example/x " + String(repeating: "]", count: 100_000)
        let one = parse(hostile)
        #expect(one.citations.map(\.url) == ["https://end.example/x"])
        #expect(one.citations[0].text.count < 3000)
    }
}

@Suite("URL normalization")
struct URLNormalizerTests {
    @Test("scheme, host, default port, fragment, dot segments, percent-encoding", arguments: [
        ("HTTPS://Example.ORG:443/a/./b/../c%7e?q=%2f#frag", "https://example.org/a/c~?q=%2F"),
        ("http://example.org:80", "http://example.org/"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        ("https://example.org/a b/ü", "https://example.org/a%20b/%C3%BC"),
        ("https://example.org/%41%62c%2F%zz", "https://example.org/Abc%2F%25zz"),
        ("https://example.org/2024_Menu%20of%20services.pdf", "https://example.org/2024_Menu%20of%20services.pdf"),
        ("https://example.org/wiki/A_(b)", "https://example.org/wiki/A_(b)"),
        ("https://user@Example.org/", "https://user@example.org/"),
        ("https://[::1]:443/x", "https://[::1]/x"),
        ("https://example.org?x=1", "https://example.org/?x=1"),
        // An escaped capital in the host is decoded, then lower-cased (found by make fuzz).
        ("https://Ex%41mple.org/%c3%bc", "https://example.org/%C3%BC"),
        ("https://ex%C3%BCample.org/", "https://ex%C3%BCample.org/"),
        // A combining mark after a delimiter is a scalar apart from it (found by make fuzz).
        ("https://example.org/\u{343}a", "https://example.org/%CD%83a"),
    ])
    func normalize(raw: String, expected: String) {
        #expect(URLNormalizer.normalize(raw) == expected)
    }

    @Test("rejects what is not an absolute http(s) URL with a host", arguments: [
        "ftp://x.org/", "mailto:a@b.org", "https:/x", "https://", "https://host:port/", "/relative",
        "https://example.org::443/",  // a colon in the host: normalized once it lost it, twice it changed (found by make fuzz)
        "https://example.org:\u{343}8080/",  // a port with a combining mark is no port (found by make fuzz)
    ])
    func reject(raw: String) {
        #expect(URLNormalizer.normalize(raw) == nil)
    }

    @Test("one document cited two ways has one identity")
    func identity() {
        let parsed = parse("[a](https://Cites.org:443/doc.pdf#page=3)\nhttps://cites.org/doc.pdf")
        #expect(Set(parsed.citations.map(\.normalizedURL)) == ["https://cites.org/doc.pdf"])
    }
}

@Suite("Note blocks")
struct NoteBlockTests {
    @Test("paragraphs, list items and headings become blocks with their first line and headings")
    func blocks() {
        let parsed = parse("""
            # Report
            Wildlife crime is
            interconnected with [climate](https://x.example/).

            - [ ] Operation Thunder, 2024: 20,000 seizures
              continued line
            1. CITES
            > A world free of wildlife crime.
            ```
            code words
            ```
            Sub
            ---
            Last words
            """)
        let rows = parsed.blocks.map { ($0.line, $0.text, $0.headingPath) }
        #expect(rows.count == 8)
        #expect(rows[0] == (1, "Report", ["Report"]))
        #expect(rows[1] == (2, "Wildlife crime is interconnected with climate.", ["Report"]))
        #expect(rows[2] == (5, "Operation Thunder, 2024: 20,000 seizures continued line", ["Report"]))
        #expect(rows[3] == (7, "CITES", ["Report"]))
        #expect(rows[4] == (8, "A world free of wildlife crime.", ["Report"]))
        #expect(rows[5] == (10, "code words", ["Report"]))
        #expect(rows[6] == (12, "Sub", ["Report", "Sub"]))
        #expect(rows[7] == (14, "Last words", ["Report", "Sub"]))
    }
}
