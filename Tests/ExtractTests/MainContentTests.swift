import DossierCore
@testable import Extract
import Foundation
import TestSupport
import Testing

/// Pages shaped like the field's sites: the article is kept, in reading
/// order, and the page around it (menus, cookie notices, share bars,
/// related stories, comments, footers) is not.
@Suite("Web pages: the article, not the page around it")
struct MainContentTests {
    /// Five paragraphs of an institution's news item.
    static let article = [
        "Operation Thunder 2023, coordinated by INTERPOL and the World Customs Organization, brought together police, customs, financial intelligence units and wildlife authorities in 133 countries.",
        "The operation led to 2,114 seizures of protected animals, plants and timber, including 23 live primates, 25 big cats, 31 tonnes of timber and more than 3,000 birds.",
        "Investigators identified 365 suspects, and several transnational networks were disrupted, with further arrests and prosecutions expected in the months ahead.",
        "Officers reported that online marketplaces were increasingly used to advertise protected species, while payments were made through mobile money services.",
        "The results will feed into the next ICCWC strategic programme, which supports countries in strengthening legislation, enforcement and prosecution of wildlife crime.",
    ]

    static func newsPage(extra: String = "") -> String {
        let menu = (1...40).map { "<li><a href=\"/topic/\($0)\">Topic number \($0)</a></li>" }.joined()
        let related = (1...4).map {
            "<li><a href=\"/news/\($0)\">Seizure of pangolin scales in port \($0)</a><p>A short teaser of another story, number \($0).</p></li>"
        }.joined()
        let paragraphs = article.map { "<p>\($0)</p>" }
        return """
            <!DOCTYPE html><html lang="en"><head><title>Operation Thunder 2023 | INTERPOL</title>
            <meta property="og:site_name" content="INTERPOL"></head>
            <body>
            <div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your experience on our website, to analyse traffic and to personalise content. By continuing you agree to our use of cookies.</p><button>Accept all</button></div>
            <div class="mega-menu"><ul>\(menu)</ul></div>
            <div class="page"><div class="main-column">
            <div class="breadcrumbs"><a href="/">Home</a> › <a href="/news">News</a></div>
            <article class="news-item">
            <h1>Operation Thunder 2023: wildlife seizures worldwide</h1>
            <div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a></div>
            \(paragraphs[0])\(paragraphs[1])
            <figure><img src="a.jpg"><figcaption>Seized ivory tusks displayed by customs officers in Mombasa.</figcaption></figure>
            \(paragraphs[2])
            <h2>Online markets</h2>
            \(paragraphs[3])
            <ul><li>23 live primates</li><li>25 big cats</li><li>31 tonnes of timber</li></ul>
            <blockquote>Wildlife crime is organized crime, and it needs an organized response.</blockquote>
            \(paragraphs[4])
            \(extra)
            </article>
            <section class="related-stories"><h2>Related stories</h2><ul>\(related)</ul></section>
            <div id="comments" class="comments-area"><h3>3 comments</h3>
            <div class="comment"><p>I have been following these operations for years, and I think this is a great result for everybody involved in the fight.</p></div>
            <div class="comment"><p>Why are the numbers of seized birds so high compared with the previous operation, does anybody know what changed?</p></div>
            </div>
            </div>
            <div class="sidebar"><h3>Most read</h3><ul><li><a href="/1">Ivory trafficking routes</a></li><li><a href="/2">Rhino horn</a></li></ul></div>
            </div>
            <div class="site-footer"><ul><li><a href="/legal">Legal notice</a></li><li><a href="/privacy">Privacy</a></li><li><a href="/contact">Contact us</a></li></ul></div>
            <footer><p>© INTERPOL 2023. All rights reserved.</p></footer>
            </body></html>
            """
    }

    func read(_ html: String) throws -> HTMLText.Page { try HTMLText.read(Data(html.utf8)) }
    func text(_ page: HTMLText.Page) -> String { page.sections.joined(separator: "\n") }

    @Test("a news item with a mega-menu, a cookie notice, related stories, comments and a footer of links: the article alone")
    func newsItem() throws {
        let page = try read(Self.newsPage())
        let text = text(page)
        #expect(page.articleFound)
        var last = text.startIndex
        for paragraph in Self.article {
            let found = try #require(text.range(of: paragraph), "missing: \(paragraph.prefix(40))")
            #expect(found.lowerBound >= last, "out of order: \(paragraph.prefix(40))")
            last = found.upperBound
        }
        for kept in ["Operation Thunder 2023: wildlife seizures worldwide", "Online markets", "Seized ivory tusks displayed",
                     "31 tonnes of timber\n", "Wildlife crime is organized crime"] {
            #expect(text.contains(kept), "\(kept)")
        }
        for gone in ["We use cookies", "Accept all", "Topic number", "Home", "Share on Facebook", "Related stories",
                     "Seizure of pangolin scales in port", "teaser of another story", "3 comments", "following these operations",
                     "Most read", "Legal notice", "Privacy", "All rights reserved"] {
            #expect(!text.contains(gone), "\(gone)")
        }
    }

    @Test("the body a publishing system marks (entry-content) is the article, even beside a longer block of prose")
    func markedBody() throws {
        let box = (1...12).map { "<p>About the network, its members, partners, donors, staff, volunteers, offices, and friends, number \($0), in many countries, for many years.</p>" }.joined()
        let body = Self.article.map { "<p>\($0)</p>" }.joined() + "<p>\(Self.article[0]) \(Self.article[1])</p>"
        let html = "<html><body><div class=\"box\">\(box)</div><div class=\"entry-content\">\(body)</div></body></html>"
        let text = text(try read(html))
        for paragraph in Self.article { #expect(text.contains(paragraph), "\(paragraph.prefix(30))") }
        #expect(!text.contains("About the network"))
    }

    @Test("a standfirst set in the article's header, apart from its body, is read before the body; a teaser of links is not")
    func standfirst() throws {
        let body = Self.article.map { "<p>\($0)</p>" }.joined()
        let standfirst = "Customs and police of 133 countries seized protected species in a month of joint checks."
        // Stories after the body, inside the same <article>: the article is not taken whole.
        let more = (1...12).map { "<li><a href=\"/s/\($0)\">Another story about wildlife seizures, number \($0)</a></li>" }.joined()
        let html = """
            <html><body><main><article>
            <header class="entry__header"><h1>Operation Thunder 2023</h1><p class="article-standfirst">\(standfirst)</p>
            <div class="teaser"><a href="/a">Ivory seizures in Mombasa port and elsewhere in East Africa</a></div></header>
            <div class="layout"><div class="column"><div class="entry-content">\(body)</div></div></div>
            <ul class="more">\(more)</ul>
            </article></main></body></html>
            """
        let text = text(try read(html))
        let lede = try #require(text.range(of: standfirst), "the standfirst is missing")
        let first = try #require(text.range(of: Self.article[0]))
        #expect(lede.upperBound <= first.lowerBound)
        #expect(!text.contains("Ivory seizures in Mombasa"))
    }

    @Test("a caption stays, its photo credit goes: a label and colon, a copyright sign, an element named as a credit")
    func captionCredits() throws {
        let figures = """
            <figure><img src="b.jpg"><figcaption>Pangolin scales seized at the port of Lagos. Photo: Kola Sulaimon/AFP</figcaption></figure>
            <figure><img src="c.jpg"><figcaption><p>Rangers on patrol in the reserve <em>(Foto: Privat)</em></p><p>More pictures below</p></figcaption></figure>
            <figure><img src="d.jpg"><figcaption>Rosewood logs stacked in a depot near the border <span class="image-credit">Jane Roe / Greenpeace</span></figcaption></figure>
            <div class="wp-caption"><img src="e.jpg"><p class="wp-caption-text">A customs dog at work in the cargo hall of the airport © Zollamt Wien</p></div>
            <figure><img src="f.jpg"><figcaption>Écailles de pangolin saisies à Douala, au Cameroun (Crédito: Minervino Júnior/CB)</figcaption></figure>
            <figure><img src="g.jpg"><figcaption>Kość słoniowa przejęta przez służbę celną. Zdjęcie: Jan Kowalski</figcaption></figure>
            <figure><img src="h.jpg"><figcaption>Ranger station (north gate): the patrols start here at dawn</figcaption></figure>
            """
        let text = text(try read(Self.newsPage(extra: figures)))
        for kept in ["Pangolin scales seized at the port of Lagos.", "Rangers on patrol in the reserve", "Rosewood logs stacked in a depot near the border",
                     "A customs dog at work in the cargo hall of the airport", "Seized ivory tusks displayed by customs officers in Mombasa.",
                     "Écailles de pangolin saisies à Douala, au Cameroun", "Kość słoniowa przejęta przez służbę celną.",
                     "Ranger station (north gate): the patrols start here at dawn"] {
            #expect(text.contains(kept), "\(kept)")
        }
        for gone in ["Kola Sulaimon", "Photo:", "Foto", "More pictures below", "Jane Roe", "Zollamt", "©", "Minervino", "Crédito", "Kowalski", "Zdjęcie"] {
            #expect(!text.contains(gone), "\(gone)")
        }
        for paragraph in Self.article { #expect(text.contains(paragraph), "\(paragraph.prefix(30))") }
    }

    @Test("lines that announce other stories (Read also, Lesen Sie auch, Zobacz także) and blocks named as related go; headings that merely begin alike stay")
    func announcers() throws {
        let extra = """
            <h2>Relatedness of the seized samples</h2>
            <p>DNA analysis showed that the tusks seized in three ports came from the same two populations of elephants.</p>
            <h3>Lesen Sie auch</h3>
            <p>Zoll stellt in Hamburg 400 Kilogramm Elfenbein sicher, versteckt in einer Ladung von Bohnen aus Afrika.</p>
            <p><strong>Zobacz także:</strong></p>
            <h2>Recommendations of the committee</h2>
            <p>The committee recommended that parties report their stockpiles of ivory every year, as agreed in 2016.</p>
            <h3>Mehr zum Thema</h3>
            <ul><li><a href="/1">Schuppentiere im Container</a> Zoll findet Schuppen in Bremerhaven.</li>
            <li><a href="/2">Elfenbein am Flughafen</a> Zwei Reisende in Frankfurt festgenommen.</li></ul>
            <div class="article-related"><p>Rhino horn seized at Johannesburg airport in the luggage of two travellers from Asia.</p></div>
            <h3>Related coverage</h3>
            """
        let text = text(try read(Self.newsPage(extra: extra)))
        for kept in ["Relatedness of the seized samples", "DNA analysis showed", "Recommendations of the committee",
                     "The committee recommended"] + Self.article {
            #expect(text.contains(kept), "\(kept.prefix(40))")
        }
        #expect(text.contains("Zoll stellt in Hamburg 400 Kilogramm Elfenbein sicher"), "a paragraph of prose after an announcer stays")
        for gone in ["Lesen Sie auch", "Zobacz także", "Related coverage", "Rhino horn seized", "Mehr zum Thema", "Schuppentiere",
                     "Zwei Reisende"] {
            #expect(!text.contains(gone), "\(gone)")
        }
    }

    @Test("short calls to subscribe, sign up or donate go; prose that speaks of subscriptions or donations stays")
    func callsToAction() throws {
        let prose = "Several parties fund their enforcement units through donations, and the secretariat's subscription "
            + "to commercial trade databases lets it follow shipments of timber and live animals from their port of origin."
        let extra = """
            <p>To view the full story, please subscribe to The Wildlife Times.</p>
            <p><strong>Möchten Sie weiterlesen?</strong> Ja, ich bin Abonnent.</p>
            <p>\(prose)</p>
            <p>The ranger posts were built with donations from a trust in 2019.</p>
            <h3>Follow the money: how traffickers move their profits</h3>
            <p>Parties that sign up to the memorandum share seizure data with the secretariat every quarter.</p>
            <div class="box"><h4>Sign up for our newsletter</h4></div>
            """
        let text = text(try read(Self.newsPage(extra: extra)))
        for kept in [prose, "The ranger posts were built with donations", "Follow the money", "Parties that sign up to the memorandum"]
            + Self.article {
            #expect(text.contains(kept), "\(kept.prefix(40))")
        }
        for gone in ["please subscribe", "weiterlesen", "Abonnent", "Sign up for our newsletter"] {
            #expect(!text.contains(gone), "\(gone)")
        }
    }

    @Test("a page's furniture goes (categories, reading time, picture credits); a heading that begins alike stays")
    func furniture() throws {
        let html = """
            <html><body><article><h1>Operation Thunder 2023</h1>
            <p>\(Self.article[0])</p>
            <p>Titelbild: Jane Roe</p>
            <div>Category : Press releases</div>
            <p>Reading time: 4 minutes</p>
            <h2>Category A species</h2>
            <p>Species of Category A may only be traded with an export permit issued by the management authority.</p>
            <p>Photos of the seized specimens are kept by the authority for ten years after the case is closed.</p>
            <p>\(Self.article[1])</p>
            </article></body></html>
            """
        let text = text(try read(html))
        for kept in ["Category A species", "Species of Category A may only be traded", "Photos of the seized specimens",
                     Self.article[0], Self.article[1]] {
            #expect(text.contains(kept), "\(kept.prefix(40))")
        }
        for gone in ["Titelbild", "Jane Roe", "Press releases", "Reading time"] { #expect(!text.contains(gone), "\(gone)") }
    }

    @Test("an open letter and the long table of its signatories: the letter is read, then the table")
    func letterAndSignatories() throws {
        // Two cells of names, one per line, each with its institution (as the page of an open letter sets them).
        func cell(_ range: ClosedRange<Int>) -> String {
            "<td>" + range.map { "<strong>Signatory number \($0)</strong>, University of Somewhere<br>" }.joined() + "</td>"
        }
        let rows = "<tr>\(cell(1...30))\(cell(31...60))</tr><tr><td>Signatures collected in July.</td><td></td></tr>"
        let letter = Self.article.prefix(3).map { "<p>\($0)</p>" }.joined()
        let html = """
            <html><body><div class="menu"><a href="/">Home</a></div>
            <div class="letter">\(letter)<table>\(rows)</table><p>Institutions are listed for identification only.</p></div>
            </body></html>
            """
        let text = text(try read(html))
        for paragraph in Self.article.prefix(3) { #expect(text.contains(paragraph), "\(paragraph.prefix(30))") }
        #expect(text.contains("Signatory number 60"))
        let letterAt = try #require(text.range(of: Self.article[0])), tableAt = try #require(text.range(of: "Signatory number 1,"))
        #expect(letterAt.upperBound <= tableAt.lowerBound)
    }

    @Test("a table of data inside the article stays, every row of it")
    func dataTable() throws {
        let rows = (1...12).map { "<tr><td>Species \($0)</td><td>\($0 * 10)</td><td>kg</td></tr>" }.joined()
        let table = "<table><thead><tr><th>Taxon</th><th>Quantity</th><th>Unit</th></tr></thead><tbody>\(rows)</tbody></table>"
        let text = text(try read(Self.newsPage(extra: table)))
        #expect(text.contains("Taxon"))
        for row in 1...12 { #expect(text.contains("Species \(row) \(row * 10) kg"), "row \(row)") }
        #expect(!text.contains("Topic number"))
    }

    @Test("a database's landing page: its short description and its table of records, not its menus")
    func landingPage() throws {
        let records = (1...15).map { "<tr><td><a href=\"/record/\($0)\">Record \($0)</a></td><td>Loxodonta africana</td><td>201\($0 % 10)</td></tr>" }.joined()
        let html = """
            <html><body>
            <nav><ul><li><a href="/">Home</a></li><li><a href="/db">Databases</a></li><li><a href="/about">About</a></li></ul></nav>
            <main><h1>CITES Trade Database</h1>
            <p>The database holds records of trade in species listed in the CITES Appendices, as reported by the Parties.</p>
            <table><caption>Latest records</caption><tr><th>Record</th><th>Taxon</th><th>Year</th></tr>\(records)</table>
            </main>
            <footer><a href="/terms">Terms of use</a></footer>
            </body></html>
            """
        let text = text(try read(html))
        #expect(text.contains("The database holds records of trade"))
        #expect(text.contains("Latest records"))
        for record in 1...15 { #expect(text.contains("Record \(record) Loxodonta africana"), "record \(record)") }
        for gone in ["Databases", "About", "Terms of use"] { #expect(!text.contains(gone), "\(gone)") }
    }

    @Test("a page with no article keeps its visible body, its links too, and says so; announcing lines and credits go")
    func noArticle() throws {
        let html = """
            <html><body><nav><a href="/">Home</a></nav>
            <div><a href="/a">Reports</a> · <a href="/b">Data</a></div>
            <div>Opening hours: 9–17</div><div>Phone: +41 22 917 81 39</div>
            <h3>Related stories</h3><figure><img src="m.jpg"><figcaption>The secretariat's building. Photo: Jane Roe</figcaption></figure>
            <footer>Footer words</footer></body></html>
            """
        let page = try read(html)
        #expect(!page.articleFound)
        let text = text(page)
        for kept in ["Reports", "Data", "Opening hours: 9–17", "Phone: +41 22 917 81 39"] { #expect(text.contains(kept), "\(kept)") }
        #expect(text.contains("The secretariat's building."))
        for gone in ["Footer words", "Home", "Related stories", "Jane Roe"] { #expect(!text.contains(gone), "\(gone)") }
    }

    @Test("an article left inside a header, text inside <noscript>, and a NUL byte are all read")
    func brokenMarkup() throws {
        let paragraphs = Self.article.map { "<p>\($0)</p>" }.joined()
        let inHeader = try read("<html><body><header><nav><a href=\"/\">Home</a></nav><div class=\"story\">\(paragraphs)</div></header></body></html>")
        #expect(text(inHeader).contains(Self.article[4]))
        #expect(!text(inHeader).contains("Home"))
        let noscript = try read("<html><body><div id=\"app\"></div><noscript><div>\(paragraphs)</div></noscript></body></html>")
        #expect(text(noscript).contains(Self.article[2]))
        var bytes = Array(Self.newsPage().utf8)
        bytes.insert(0, at: bytes.count / 3)
        #expect(text(try HTMLText.read(Data(bytes))).contains(Self.article[4]))
    }

    @Test("a page that builds its text with scripts: the article's body from its JSON-LD")
    func scriptedPage() throws {
        let body = Self.article.joined(separator: "\n")
        let ld = String(decoding: try JSONSerialization.data(withJSONObject: ["@type": "NewsArticle", "headline": "Thunder", "articleBody": body]), as: UTF8.self)
        let page = try read("<html><head><script type=\"application/ld+json\">\(ld)</script></head><body><div id=\"app\">Loading…</div><nav><a href=\"/\">Home</a></nav></body></html>")
        #expect(page.articleFound)
        for paragraph in Self.article { #expect(text(page).contains(paragraph)) }
        #expect(!text(page).contains("Loading"))
        // A page whose visible article is long enough keeps it.
        let visible = try read(Self.newsPage().replacingOccurrences(of: "</head>", with: "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"articleBody\":\"\(String(repeating: "Other words. ", count: 60))\"}</script></head>"))
        #expect(!text(visible).contains("Other words."))
    }

    @Test("huge and deep pages: tens of thousands of short lines or links under one parent, 20,000 nested elements")
    func hostileShapes() throws {
        let started = Date()
        // Short lines after the prose, all children of one element: each goes, in one pass.
        let prose = String(repeating: Self.article[0] + " ", count: 4)
        let lines = try read("<html><body><div><p>\(prose)</p>" + String(repeating: "<p>x</p>", count: 30_000) + "</div></body></html>")
        #expect(text(lines).contains(Self.article[0]))
        #expect(!text(lines).contains("\nx\n"))
        // A list of 30,000 links after the article: the links go, the article stays.
        let links = try read("<html><body><article><p>\(prose)</p><p>\(prose)</p><ul>"
            + String(repeating: "<li><a href=\"/x\">another story</a></li>", count: 30_000) + "</ul></article></body></html>")
        #expect(text(links).contains(Self.article[0]))
        #expect(!text(links).contains("another story"))
        // Text deeper than the tree is copied is kept, as text.
        let deep = try read("<html><body>" + String(repeating: "<div>", count: 20_000) + "\(prose)" + String(repeating: "</div>", count: 20_000) + "</body></html>")
        #expect(text(deep).contains(Self.article[0]))
        // Each pass over such a page is linear: a quadratic one takes minutes here.
        #expect(Date().timeIntervalSince(started) < 60)
    }

    @Test("metadata from citation tags, Open Graph, JSON-LD and the page itself")
    func metadata() throws {
        let scholarly = try read("""
            <html lang="fr"><head><title>Page title</title>
            <meta name="citation_title" content="Le commerce illégal des espèces sauvages">
            <meta name="citation_author" content="Dupont, Marie"><meta name="citation_author" content="Moreau, Luc">
            <meta name="citation_publication_date" content="2022/05/17">
            <meta name="citation_doi" content="doi:10.1016/j.biocon.2022.109610">
            <meta property="og:site_name" content="Revue de la conservation">
            <link rel="canonical" href="https://example.org/articles/42">
            </head><body><p>Texte.</p></body></html>
            """).metadata
        #expect(scholarly == WebMetadata(title: "Le commerce illégal des espèces sauvages", author: "Dupont, Marie; Moreau, Luc",
                                         published: "2022/05/17", site: "Revue de la conservation", language: "fr",
                                         canonical: "https://example.org/articles/42", doi: "10.1016/j.biocon.2022.109610"))
        let news = try read("""
            <html><head><title>Fallback</title>
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},
              {"@type":"NewsArticle","headline":"Rhino horn seized at the airport","datePublished":"2024-03-02T10:00:00Z",
               "author":[{"@type":"Person","name":"Ana Ruiz"}],"publisher":{"@type":"Organization","name":"UNODC"}}]}</script>
            </head><body><p>Text.</p></body></html>
            """)
        #expect(news.title == "Rhino horn seized at the airport")
        #expect(news.metadata.author == "Ana Ruiz")
        #expect(news.metadata.published == "2024-03-02T10:00:00Z")
        #expect(news.metadata.site == "UNODC")
        let plain = try read("<html><head><title>  Plain   title </title></head><body><p>x</p><time datetime=\"2021-01-05\">5 Jan</time></body></html>")
        #expect(plain.title == "Plain title")
        #expect(plain.metadata.published == "2021-01-05")
        #expect(plain.metadata.author == nil)
    }

    @Test("a sibling's full stop is found as the expression over its inner text finds it")
    func sentenceEnds() throws {
        let samples = ["<div>No stop here</div>", "<div>Ends here.</div>", "<div>A stop. Then more</div>", "<div>3.5 and v2.0</div>",
                       "<div><a>end.</a>next</div>", "<div>e.g.x</div>", "<div>.\u{301} mark</div>", "<div>stop.\u{00A0}nbsp</div>",
                       "<div>stop.\u{3000}wide</div>", "<div><span>one</span><span>.</span></div>", "<div>   .   </div>", "<div></div>"]
        for sample in samples {
            let tree = try #require(HTMLTree.parse(Data("<html><body>\(sample)</body></html>".utf8)))
            let node = try #require(tree.root.descendants(named: ["div"]).first)
            #expect(node.endsASentence == (node.innerText.range(of: #"\.( |$)"#, options: .regularExpression) != nil), "\(sample)")
        }
    }

    @Test("the tree is built from the parser's events as libxml2's tree held it: text runs, comments, noscript, metadata, depth, encoding")
    func treeFromEvents() throws {
        func parse(_ html: String) throws -> HTMLTree { try #require(HTMLTree.parse(Data(html.utf8))) }
        func texts(_ node: HTMLNode) -> [String] { node.children.filter(\.isText).map(\.text) }
        // Characters and entities in a row are one text node; a comment makes two.
        let runs = try parse("<html><body><p>a &amp; b</p><div>one<!-- gone -->two</div></body></html>")
        #expect(texts(try #require(runs.root.descendants(named: ["p"]).first)) == ["a & b"])
        #expect(texts(try #require(runs.root.descendants(named: ["div"]).first)) == ["one", "two"])
        // A short <noscript> is dropped with the metadata in it; a long one stands as a div.
        let long = String(repeating: "Text a browser without scripts shows. ", count: 8)
        let noscripts = try parse("<html><head><title>First</title><title>Second</title></head><body>"
            + "<noscript><meta name=\"short\" content=\"x\"><p>short</p></noscript>"
            + "<noscript><meta name=\"long\" content=\"y\"><p>\(long)</p></noscript></body></html>")
        #expect(noscripts.title == "First")
        #expect(noscripts.metas.compactMap { $0["name"] } == ["long"])
        #expect(noscripts.root.descendants(named: ["p"]).map(\.innerText) == [long.trimmingCharacters(in: .whitespaces)])
        // JSON-LD kept, other scripts and hidden elements (with what is in them) left out.
        let hidden = try parse("<html><body><script type=\"application/ld+json\">{\"a\": 1}</script><script>var x</script>"
            + "<div hidden><meta name=\"inside\" content=\"z\"><p>secret</p></div><p style=\"display: none\">gone</p><p>kept</p></body></html>")
        #expect(hidden.jsonLD == ["{\"a\": 1}"])
        #expect(hidden.metas.isEmpty)
        #expect(hidden.root.descendants(named: ["p"]).map(\.innerText) == ["kept"])
        // Below the depth limit an element keeps its text alone.
        let deep = try parse("<html><body>" + String(repeating: "<div>", count: 450) + "deep <b>text</b>" + String(repeating: "</div>", count: 450) + "</body></html>")
        var node = deep.root, depth = 0
        while let child = node.children.first(where: { !$0.isText }) { node = child; depth += 1 }
        #expect(depth == HTMLTree.maximumDepth - 1)
        #expect(texts(node) == ["deep text"])
        // Markup after </html> is the root's when the root is the document's
        // first node, and outside the tree after a DOCTYPE or a leading comment.
        let late = "<html><body><p>a</p></body></html><p>late text</p><meta name=\"description\" content=\"after\">"
        let inRoot = try parse(late)
        #expect(inRoot.root.descendants(named: ["p"]).map(\.innerText) == ["a", "late text"])
        #expect(inRoot.metas.compactMap { $0["name"] } == ["description"])
        for lead in ["<!DOCTYPE html>", "<!-- lead -->"] {
            let outside = try parse(lead + late)
            #expect(outside.root.descendants(named: ["p"]).map(\.innerText) == ["a"], "\(lead)")
            #expect(outside.metas.isEmpty, "\(lead)")
        }
        // UTF-8 before any declared charset is read as UTF-8.
        let early = try parse("<html><head><title>Great Things\u{2014}if</title><meta charSet=\"utf-8\"></head><body><p>caf\u{00E9}</p></body></html>")
        #expect(early.title == "Great Things\u{2014}if")
        #expect(early.root.descendants(named: ["p"]).first?.innerText == "caf\u{00E9}")
    }

    @Test("white space is collapsed by bytes as by characters, in any script, marks after a space included")
    func collapsing() {
        var random = SeededRandom(seed: 5)
        // (Scalars, not Characters: a mark may follow a space, which a Character would not let it.)
        let alphabet: [String] = ["a", "B", " ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{1F}", "\u{00A0}", "\u{2003}", "é", "\u{0301}", ".",
                                  "\u{0085}", "\u{1680}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "日", "д", "\u{093E}",
                                  "\u{200D}", "\u{1F3FB}", "\u{1F600}", "\u{200B}"]
        for _ in 0..<5_000 {
            let text = (0..<random.below(20)).map { _ in alphabet[random.below(alphabet.count)] }.joined()
            #expect(HTMLText.collapse(text) == text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " "), "\(text.unicodeScalars.map(\.value))")
        }
    }
}
