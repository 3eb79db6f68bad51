import Foundation

/// # The main content of a web page
///
/// A news item, a report's landing page or a blog post sits inside menus,
/// cookie notices, share bars, lists of related stories, comment threads and
/// footers of links. Indexed whole, those match every query about their words,
/// count in BM25's lengths and fill snippets. This finds the article the way
/// reader views do, by the shape of the text rather than by any site's markup:
///
/// 1. **Pruning.** Elements whose `class`/`id` name boilerplate (`cookie`,
///    `share`, `related`, `comment`, `sidebar`, …, see ``unlikely``) unless
///    they also name content (`article`, `content`, `main`, …), elements whose
///    ARIA role is navigation or a dialog, and `nav`, `aside`, page-level
///    `header` and `footer` are taken out.
/// 2. **Scoring paragraphs.** Every paragraph-like element (`p`, `pre`, `td`,
///    `section`, `h2`–`h6`, and a `div` holding only inline content) of 25
///    characters or more scores 1 + its commas + one per 100 characters (at
///    most 3). The score goes to its parent whole, to its grandparent halved,
///    and to the three ancestors above divided by three times their distance,
///    each ancestor starting from its kind (`div` +5, lists −3, headings −5)
///    and its `class`/`id` hints (±25).
/// 3. **Choosing.** Each ancestor's total is scaled by 1 − its link density
///    (the share of its text inside links: menus and link lists are all
///    link). The best is the article, raised to a common ancestor when
///    several near-best candidates share one, or to a parent that scores
///    higher still. An element the page marks as the article's body
///    (`itemprop="articleBody"`, `entry-content`, …) is taken instead, and
///    an `<article>` around the choice, little longer than it, is taken
///    whole (its lede and title).
/// 4. **Siblings and lede.** The article's siblings join it when they score
///    at least a fifth of it, or are paragraphs of real text with few links;
///    a lede or standfirst set apart before it, inside the same `<article>`
///    or `<main>` (often in its header), is read first. Rows of a table
///    chosen as the article stand for the table.
/// 5. **Cleaning.** Inside the article, lists, tables, `div`s and forms that
///    look like boilerplate (more links than text, more list items than
///    paragraphs, many images and little text, negative hints) are dropped;
///    a table of data (headers, a caption, more than ten rows) is kept.
///    Short paragraphs that are mostly a link go, with the heading or
///    "Read also:" that announced them, and so do very short lines before
///    the first and after the last paragraph of prose (dates, bylines,
///    credits, "No comments"). Blocks named as related stories go whatever
///    else their names say. On every reading: photo credits leave captions
///    (`Credits.swift`), and short lines that announce other stories, call
///    the reader to subscribe or donate, or are the page's furniture
///    ("Category:", "Reading time") go (`Announcers.swift`).
/// 6. **Retrying, then falling back.** When the result has under 500
///    characters, the page is read again with less pruning (no `class`
///    hints, no cleaning; the tree is restored from its arena's journal,
///    not parsed again) and the longest result wins. A page in which no
///    article can be found keeps its whole visible body: recall before
///    precision; ``Result/found`` says so.
///
/// The method is Readability's (Mozilla's reader view), with jusText's and
/// boilerpipe's observation that link density and text length separate
/// boilerplate from text in any language.
enum MainContent {
    /// What a page's main content is.
    struct Result {
        /// The elements to read, in document order.
        var nodes: [HTMLNode]
        /// False when no article was found and the whole body is kept.
        var found: Bool
    }

    /// The passes' switches: a retry turns some off.
    struct Passes: OptionSet {
        let rawValue: Int
        static let stripUnlikely = Passes(rawValue: 1)
        static let weighHints = Passes(rawValue: 2)
        static let clean = Passes(rawValue: 4)
        static let all: Passes = [.stripUnlikely, .weighHints, .clean]
    }

    /// Longest line dropped after the article's last paragraph of prose (``Reader/trimEdges(_:)``).
    static let trailing = 30
    /// Shortest main text accepted without a retry, in characters.
    static let enough = 500

    /// The main content of the page in `data`.
    static func extract(_ data: Data) -> (tree: HTMLTree, result: Result)? {
        guard let tree = HTMLTree.parse(data) else { return nil }
        let arena = tree.arena
        arena.journaling = true
        // Each reading prunes the tree, then puts it back for the next.
        let readings: [Passes] = [.all, [.weighHints, .clean], [.weighHints], []]
        var best: (passes: Passes, length: Int)?
        for passes in readings {
            var reader = Reader(passes: passes, arena: arena)
            guard let nodes = reader.article(in: tree.root) else { arena.restore(); continue }
            let length = nodes.reduce(0) { $0 + $1.statistics().length }
            if length >= enough { return (tree, Result(nodes: nodes, found: true)) }
            if best == nil || length > best!.length { best = (passes, length) }
            arena.restore()
        }
        // No article, or a short one: the whole body, pruned of what is never
        // content, unless the short one is a fifth of it. (The root stands
        // for the body: libxml2 leaves content after a stray closing tag
        // outside `<body>`, and the `<head>` is not in the tree.)
        let body = tree.root
        Reader(passes: [], arena: arena).prune(body)
        guard let best, best.length > 0, best.length * 5 >= body.statistics().length else {
            // Whole (its links too: on a page of links, they are its
            // content), less lines announcing other stories and photo credits.
            MainContent.dropCredits(in: body, arena: arena)
            MainContent.dropAnnouncers(in: body)
            return (tree, Result(nodes: [body], found: false))
        }
        arena.restore()
        var reader = Reader(passes: best.passes, arena: arena)
        return (tree, Result(nodes: reader.article(in: tree.root) ?? [], found: true))
    }

    // MARK: - Hints

    /// Names that mark boilerplate, matched inside `class` and `id`.
    static let unlikely: [[UInt8]] = ["-ad-", "ad-break", "adsense", "advert", "agegate", "banner", "breadcrumb", "combx",
                           "comment", "community", "consent", "cookie", "cover-wrap", "disqus", "extra", "footer",
                           "gdpr", "header", "legends", "menu", "modal", "navbar", "newsletter", "outbrain",
                           "pager", "pagination", "popup", "promo", "related", "remark", "replies", "rss", "share",
                           "sharing", "shoutbox", "sidebar", "signup", "skyscraper", "social", "sponsor",
                           "subscribe", "supplemental", "taboola", "toolbar",
                           "author", "byline", "credit", "copyright", "paywall", "subscription", "rating", "tags",
                           "read-more", "readmore", "recirc", "more-from", "post-nav", "postnav",
                           // The same in the languages of the library (German, French, Spanish, Italian).
                           "empfehlung", "lesetipp", "weitere", "verwandt", "aehnlich", "kommentar", "autor",
                           "meistgelesen", "most-read", "mostread", "trending", "popular", "partage", "commentaire",
                           "similaire", "compartir", "comentario", "relacionad", "recomend", "correlat", "commenti"].map { Array($0.utf8) }
    /// Names that mark content: an element named both ways stays.
    static let maybe: [[UInt8]] = ["article", "body", "column", "content", "main", "shadow"].map { Array($0.utf8) }
    /// Names publishing systems give the article's body.
    static let bodies: [[UInt8]] = ["articlebody", "article-body", "article__body", "article-content", "article__content",
                                    "entry-content", "post-content", "post-body", "post__content", "story-body",
                                    "story-content", "articletext", "article-text", "field-name-body", "node-content",
                                    "single-content", "blog-content", "news-content", "content-body"].map { Array($0.utf8) }
    /// Names of a lede, standfirst or summary set apart from the body.
    static let ledes: [[UInt8]] = ["lede", "lead", "intro", "standfirst", "summary", "excerpt", "teaser", "subtitle",
                                   "subheadline", "kicker", "abstract"].map { Array($0.utf8) }
    static let teaser = Array("teaser".utf8)
    static let header = Array("header".utf8)
    /// Hints that raise an element's score by 25.
    static let positive: [[UInt8]] = ["article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post", "text",
                           "blog", "story"].map { Array($0.utf8) }
    /// Hints that lower it by 25.
    static let negative: [[UInt8]] = ["-ad-", "banner", "breadcrumb", "byline", "combx", "comment", "com-", "contact", "consent",
                           "cookie", "foot", "gdpr", "masthead", "media", "meta", "menu", "nav", "newsletter",
                           "outbrain", "promo", "related", "scroll", "share", "shoutbox", "sidebar", "skyscraper",
                           "social", "sponsor", "shopping", "tags", "tool", "widget"].map { Array($0.utf8) }
    static let share = Array("share".utf8)
    /// ARIA roles of what is not the article.
    static let unlikelyRoles: Set<String> = ["menu", "menubar", "complementary", "navigation", "alert", "alertdialog",
                                             "dialog", "banner", "contentinfo", "search"]
    /// Elements that are never the article.
    static let chrome: Set<String> = ["nav", "aside", "footer"]
    /// Elements that start a block.
    static let blockTags: Set<String> = ["address", "article", "aside", "blockquote", "details", "dd", "div", "dl",
                                         "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
                                         "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p",
                                         "pre", "section", "table", "tbody", "thead", "tr", "td", "th", "ul"]
    static func headingRank(_ tag: String) -> Int? {
        guard tag.count == 2, tag.first == "h", let rank = Int(tag.dropFirst()), (1...6).contains(rank) else { return nil }
        return 7 - rank
    }
    static let scoredTags: Set<String> = ["p", "pre", "td", "section", "h2", "h3", "h4", "h5", "h6"]
    // Sets of names the passes ask about, made once (a literal in a
    // function is built, and its names hashed, at every call).
    static let articleTags: Set<String> = ["article", "main"]
    static let inputTags: Set<String> = ["input"]
    static let paragraphTags: Set<String> = ["p"]
    static let neverUnlikely: Set<String> = ["body", "a", "article", "main", "html"]
    static let tableOrCode: Set<String> = ["table", "code", "pre"]
    static let codeTags: Set<String> = ["code", "pre"]
    static let figureTags: Set<String> = ["figure"]
    static let siblingBlocks: Set<String> = ["div", "section", "ul", "ol", "blockquote", "table", "header"]
    static let cleanedTags: Set<String> = ["form", "fieldset", "table", "ul", "ol", "div", "section", "dl"]
    static let topHeadings: Set<String> = ["h1", "h2"]
    /// Names of a block of other stories.
    static let otherStories: [[UInt8]] = ["related", "recirc", "more-from", "read-more", "readmore"].map { Array($0.utf8) }
    static let tableParts: Set<String> = ["tbody", "thead", "tfoot", "tr"]
    static let tableHeadTags: Set<String> = ["caption", "th", "thead", "tfoot", "col", "colgroup"]

    static func weight(_ node: HTMLNode) -> Double {
        let hints = node.hints
        guard !hints.isEmpty else { return 0 }
        var weight = 0.0
        if hints.mentions(negative) { weight -= 25 }
        if hints.mentions(positive) { weight += 25 }
        return weight
    }

    /// One reading of a page with some passes on.
    struct Reader {
        let passes: Passes
        /// Where the paragraphs it makes live (``HTMLTree/arena``).
        let arena: NodeArena
        var candidates: [HTMLNode] = []

        init(passes: Passes, arena: NodeArena) {
            self.passes = passes
            self.arena = arena
        }

        /// Takes out what is never the article.
        func prune(_ root: HTMLNode) {
            var stack = [root]
            while let node = stack.popLast() {
                for child in node.children where !child.isText {
                    if isChrome(child) { child.remove(); continue }
                    stack.append(child)
                }
            }
        }

        func isChrome(_ node: HTMLNode) -> Bool {
            let role = node["role"]?.lowercased()
            if MainContent.chrome.contains(node.tag) || role.map(MainContent.unlikelyRoles.contains) == true
                || (node.tag == "header" && !node.hasAncestor(named: MainContent.articleTags)) {
                return !holdsArticle(node)
            }
            // A search box, a newsletter's sign-up, a login: a form with fields
            // (a page wrapped whole in a form holds its article).
            if node.tag == "form", node.hasDescendant(named: MainContent.inputTags) { return !holdsArticle(node) }
            guard passes.contains(.stripUnlikely), !MainContent.neverUnlikely.contains(node.tag) else { return false }
            let hints = node.hints
            guard !hints.isEmpty, hints.mentions(MainContent.unlikely), !hints.mentions(MainContent.maybe) else { return false }
            // An article's header with its lede is the article's (``ledes(before:of:in:)``).
            if hints.contains(MainContent.header), node.hasAncestor(named: MainContent.articleTags), holdsLede(node) { return false }
            return !node.hasAncestor(named: MainContent.tableOrCode)
        }

        /// The element a publishing system marks as the article's body
        /// (`itemprop="articleBody"`, `class="entry-content"`, …), when
        /// there is one such outermost element, with 1,000 characters or more
        /// and few links: it is the article (its siblings may still join it),
        /// whatever the scores say.
        func markedBody(in root: HTMLNode) -> HTMLNode? {
            var found: [HTMLNode] = []
            var stack = [root]
            while let node = stack.popLast() {
                if !node.isText, node !== root,
                   node["itemprop"]?.lowercased() == "articlebody" || (!node.hints.isEmpty && node.hints.mentions(MainContent.bodies)) {
                    found.append(node)
                    continue
                }
                stack.append(contentsOf: node.children.filter { !$0.isText })
            }
            guard found.count == 1, let body = found.first else { return nil }
            let statistics = body.statistics()
            return statistics.length >= 1000 && statistics.linkDensity < 0.3 ? body : nil
        }

        /// Whether a menu, header or footer holds an article after all: libxml2
        /// knows no HTML5 element, so a `<header>` or `<nav>` left open
        /// swallows the page after it. Such an element is read as any other.
        func holdsArticle(_ node: HTMLNode) -> Bool {
            if node.hasDescendant(named: MainContent.articleTags) { return true }
            var prose = 0
            for paragraph in node.descendants(named: MainContent.paragraphTags) {
                let statistics = paragraph.statistics()
                if statistics.length >= 80, statistics.linkDensity < 0.3 { prose += statistics.length }
            }
            return prose >= 500
        }

        /// Wraps runs of inline content inside block containers in paragraphs,
        /// so that text set straight into a `div` is scored like a `p`.
        func paragraphs(_ root: HTMLNode) -> [HTMLNode] {
            var found: [HTMLNode] = []
            var stack = [root]
            while let node = stack.popLast() {
                if node.isText { continue }
                if MainContent.scoredTags.contains(node.tag) { found.append(node) }
                if node.tag == "div" || node.tag == "article" || node.tag == "main" || node.tag == "section" {
                    let hasBlocks = node.children.contains(where: \.isBlock)
                    if !hasBlocks, node.tag == "div" {
                        found.append(node)
                    } else if hasBlocks {
                        wrapInlineRuns(node)
                    }
                }
                stack.append(contentsOf: node.children.reversed())
            }
            return found
        }

        func wrapInlineRuns(_ node: HTMLNode) {
            var result: [HTMLNode] = []
            var run: [HTMLNode] = []
            func flush() {
                defer { run = [] }
                guard run.contains(where: \.hasText) else { result += run; return }
                let paragraph = arena.make(tag: "p")
                for child in run { paragraph.append(child) }
                paragraph.parent = node
                result.append(paragraph)
            }
            for child in node.children {
                if !child.isBlock { run.append(child) } else { flush(); result.append(child) }
            }
            flush()
            node.children = result
        }

        mutating func initialize(_ node: HTMLNode) {
            guard !node.scored else { return }
            node.scored = true
            candidates.append(node)
            switch node.tag {
            case "div": node.score = 5
            case "pre", "td", "blockquote": node.score = 3
            case "address", "ol", "ul", "dl", "dd", "dt", "li", "form": node.score = -3
            case "h1", "h2", "h3", "h4", "h5", "h6", "th": node.score = -5
            default: node.score = 0
            }
            if passes.contains(.weighHints) { node.score += MainContent.weight(node) }
        }

        /// The article's elements, in document order.
        mutating func article(in body: HTMLNode) -> [HTMLNode]? {
            prune(body)
            for paragraph in paragraphs(body) {
                let statistics = paragraph.statistics()
                guard statistics.length >= 25 else { continue }
                // Commas count as sentences' clauses: a list of names or tags, a
                // comma every few words, counts no more than prose would.
                let commas = min(statistics.commas, statistics.length / 60 + 1)
                let score = 1 + Double(commas) + Double(min(statistics.length / 100, 3))
                var ancestor = paragraph.parent, level = 0
                while let current = ancestor, level < 5, current.parent != nil || current === body {
                    initialize(current)
                    current.score += score / (level == 0 ? 1 : level == 1 ? 2 : Double(level) * 3)
                    if current === body { break }
                    ancestor = current.parent
                    level += 1
                }
            }
            var best: [HTMLNode] = []
            for candidate in candidates {
                candidate.score *= 1 - candidate.statistics().linkDensity
                best.append(candidate)
            }
            best.sort { $0.score > $1.score }
            // The body the page marks as such, else the best candidate.
            let marked = passes.contains(.weighHints) ? markedBody(in: body) : nil
            guard var top = marked ?? best.first else { return nil }
            if top === body { return [cleaned(body)] }

            if marked == nil {
                // Near-best candidates that share an ancestor: the article is that ancestor.
                let alternatives = best.dropFirst().prefix(4).filter { $0.score / max(top.score, 1e-9) >= 0.75 }
                if alternatives.count >= 2 {
                    var parent = top.parent
                    while let current = parent, current !== body {
                        let containing = alternatives.filter { isAncestor(current, of: $0) }.count
                        if containing >= 2 { top = current; break }
                        parent = current.parent
                    }
                }
                // A parent that scores higher than its child is the better article.
                var last = top.score
                var parent = top.parent
                while let current = parent, current !== body {
                    if !current.scored { parent = current.parent; continue }
                    if current.score < top.score / 3 { break }
                    if current.score > last { top = current; break }
                    last = current.score
                    parent = current.parent
                }
            }
            // An only child stands for its parent.
            while let current = top.parent, current !== body, current.children.filter({ !$0.isText || $0.textLength > 0 }).count == 1 {
                top = current
            }
            // Rows of a table (a row, the table's body) stand for the table,
            // whose siblings may then join it: the table is one block of the
            // article. (A cell stays itself: on a page laid out in a table,
            // the article is a cell.)
            if MainContent.tableParts.contains(top.tag) {
                var current = top
                while let parent = current.parent, parent !== body, current.tag != "table" { current = parent }
                if current.tag == "table" { top = current }
            }

            // The page's own markup for its article: an `<article>` around the
            // best candidate, little longer than it (its title, lede or byline
            // around the body), is the article.
            var ancestor = top.parent, levels = 0
            while let current = ancestor, current !== body, levels < 4 {
                if current.tag == "article" || current["itemprop"]?.lowercased() == "articlebody" {
                    let whole = current.statistics(), part = top.statistics()
                    if whole.length <= part.length * 5 / 4 + 300, whole.linkDensity < 0.25 { top = current }
                    break
                }
                ancestor = current.parent
                levels += 1
            }

            guard let container = top.parent else { return [cleaned(top)] }
            let threshold = max(10, top.score * 0.2)
            var nodes: [HTMLNode] = []
            for sibling in container.children where !sibling.isText {
                if sibling === top { nodes.append(sibling); continue }
                // Beside a marked body, only its lede joins it.
                if marked != nil {
                    let statistics = sibling.statistics()
                    if sibling.tag == "p" || sibling.tag == "header" || (!sibling.hints.isEmpty && sibling.hints.mentions(MainContent.ledes)),
                       statistics.length > 80, statistics.linkDensity < 0.25 { nodes.append(sibling) }
                    continue
                }
                var bonus = 0.0
                if let mine = top["class"], !mine.isEmpty, sibling["class"] == mine { bonus = top.score * 0.2 }
                if sibling.scored, sibling.score + bonus >= threshold { nodes.append(sibling); continue }
                if sibling.tag == "p" || (MainContent.weight(sibling) >= 0 && MainContent.siblingBlocks.contains(sibling.tag)) {
                    let statistics = sibling.statistics()
                    if statistics.length > 80, statistics.linkDensity < 0.25 { nodes.append(sibling); continue }
                    if statistics.length > 0, statistics.length <= 80, statistics.linkLength == 0,
                       sibling.endsASentence {
                        nodes.append(sibling)
                    }
                }
            }
            let article = (ledes(before: nodes, of: top, in: body) + nodes).map(cleaned)
            trimEdges(article)
            return article
        }

        /// Whether an element below `node` is a lede (``ledes(before:of:in:)``).
        func holdsLede(_ node: HTMLNode) -> Bool {
            node.descendants().contains { isLede($0) }
        }

        /// Whether `node` is named as a lede (not a teaser) and reads as one:
        /// 40 characters or more, few of them links.
        func isLede(_ node: HTMLNode) -> Bool {
            let hints = node.hints
            guard !hints.isEmpty, hints.mentions(MainContent.ledes), !hints.contains(MainContent.teaser) else { return false }
            let statistics = node.statistics()
            return statistics.length >= 40 && statistics.linkDensity < 0.3
        }

        /// A lede, standfirst or subtitle the page sets apart before the
        /// article's body (in the `<header>` of its `<article>`, beside its
        /// title): elements named as ledes (``MainContent/ledes``, less
        /// teasers) inside the nearest `<article>` or `<main>` around the
        /// article, or two levels above it, that come before it, with a
        /// sentence's worth of text and few links.
        func ledes(before nodes: [HTMLNode], of top: HTMLNode, in body: HTMLNode) -> [HTMLNode] {
            guard let first = nodes.first else { return [] }
            var scope = top.parent, levels = 0
            while let current = scope, current !== body, levels < 5, !MainContent.articleTags.contains(current.tag) {
                scope = current.parent
                levels += 1
            }
            if scope == nil || scope === body || levels == 5 { scope = top.parent?.parent }
            guard let scope, scope !== body else { return [] }
            var found: [HTMLNode] = []
            var stack = Array(scope.children.reversed())
            while let node = stack.popLast() {
                if node === first { break }
                guard !node.isText else { continue }
                if isLede(node), !isAncestor(node, of: first) { found.append(node); continue }
                stack.append(contentsOf: node.children.reversed())
            }
            return found
        }

        func isAncestor(_ ancestor: HTMLNode, of node: HTMLNode) -> Bool {
            var current = node.parent
            while let c = current { if c === ancestor { return true }; current = c.parent }
            return false
        }

        // MARK: Cleaning

        /// `node` with the boilerplate inside it taken out.
        func cleaned(_ node: HTMLNode) -> HTMLNode {
            // Share bars and the like, small ones only.
            for element in node.descendants() where element.hints.contains(MainContent.share) && element.statistics().length < 500 {
                element.remove()
            }
            MainContent.dropCredits(in: node, arena: arena)
            MainContent.dropAnnouncers(in: node)
            guard passes.contains(.clean) else { return node }
            // Innermost first, so that a list inside a div is judged before the div.
            for element in node.descendants(named: MainContent.cleanedTags).reversed()
            where element.parent != nil && isBoilerplate(element) {
                element.remove()
            }
            for heading in node.descendants(named: MainContent.topHeadings) where MainContent.weight(heading) < 0 { heading.remove() }
            dropLinkBlocks(node)
            return node
        }

        /// Short lines after the article's last paragraph of prose: a byline,
        /// tags, "No comments", a share prompt, an author's note. (jusText's
        /// observation: a short block beside boilerplate is boilerplate.)
        func trimEdges(_ article: [HTMLNode]) {
            var leaves: [HTMLNode] = []
            for root in article {
                var stack = [root]
                while let current = stack.popLast() {
                    if !current.children.contains(where: \.isBlock), current.isBlock || current === root {
                        leaves.append(current)
                        continue
                    }
                    stack.append(contentsOf: current.children.filter { !$0.isText }.reversed())
                }
            }
            func isProse(_ leaf: HTMLNode) -> Bool {
                let statistics = leaf.statistics()
                return statistics.length >= 100 && statistics.linkDensity < 0.3
            }
            guard let first = leaves.firstIndex(where: isProse), let last = leaves.lastIndex(where: isProse) else { return }
            for leaf in leaves[(last + 1)...] where leaf.statistics().length < MainContent.trailing && !hasDataTableAncestor(leaf) {
                leaf.remove()
            }
            // Before the first: a date, a byline, a photo credit (the headings stay).
            for leaf in leaves[..<first] where !leaf.isHeading && !leaf.hasAncestor(where: \.isHeading)
                && leaf.statistics().length < MainContent.trailing && !hasDataTableAncestor(leaf) {
                leaf.remove()
            }
        }

        /// Takes the blocks in `gone` out, with the containers they leave
        /// without text and the label that announced each run of them: a
        /// heading or a short line ending in a colon just before it ("Read
        /// also:", "Weitere Artikel"). One pass over the tree, whatever the
        /// number of blocks.
        func removeWithLabels(_ gone: inout Set<ObjectIdentifier>, within root: HTMLNode) {
            // Children before their parents: a container all of whose children
            // go (or hold no text) goes too.
            for element in root.descendants().reversed() where !gone.contains(ObjectIdentifier(element)) {
                let children = element.children
                if children.contains(where: { gone.contains(ObjectIdentifier($0)) }),
                   children.allSatisfy({ gone.contains(ObjectIdentifier($0)) || !$0.hasText }) {
                    gone.insert(ObjectIdentifier(element))
                }
            }
            var taken: [HTMLNode] = []
            for parent in [root] + root.descendants() where !gone.contains(ObjectIdentifier(parent)) {
                var label: HTMLNode?
                for child in parent.children where child.isText ? child.textLength > 0 : true {
                    if gone.contains(ObjectIdentifier(child)) {
                        taken.append(child)
                        if let before = label, isLabel(before) { taken.append(before) }
                        label = nil
                    } else {
                        label = child.isText ? nil : child
                    }
                }
            }
            for node in taken { node.remove() }
        }

        /// A heading, or a short line ending in a colon with no link.
        func isLabel(_ node: HTMLNode) -> Bool {
            let text = node.innerText
            guard text.count <= 80 else { return false }
            return node.isHeading || (text.hasSuffix(":") && node.statistics().linkLength == 0)
        }

        /// Paragraphs and list items that are mostly links ("Read more: …",
        /// a list of related stories) go, and then the headings left with
        /// nothing under them ("Related articles", "Mehr zum Thema").
        func dropLinkBlocks(_ node: HTMLNode) {
            var leaves: [HTMLNode] = []
            var stack = [node]
            while let current = stack.popLast() {
                if !current.children.contains(where: \.isBlock), current !== node, current.isBlock { leaves.append(current) }
                stack.append(contentsOf: current.children.filter { !$0.isText })
            }
            var gone = Set(leaves.filter { leaf in
                guard !leaf.isHeading, !hasDataTableAncestor(leaf) else { return false }
                let statistics = leaf.statistics()
                return statistics.length > 0 && statistics.linkDensity > 0.5 && (leaf.tag == "li" || statistics.length < 100)
            }.map(ObjectIdentifier.init))
            if !gone.isEmpty { removeWithLabels(&gone, within: node) }
            // A heading with no text before the next heading of its rank or above.
            let order = node.descendants()
            var text = 0
            var open: [(heading: HTMLNode, rank: Int, text: Int)] = []
            var orphans: [HTMLNode] = []
            for element in order {
                if let rank = MainContent.headingRank(element.tag) {
                    while let last = open.last, last.rank <= rank {
                        if text == last.text { orphans.append(last.heading) }
                        open.removeLast()
                    }
                    open.append((element, rank, text))
                } else if element.children.contains(where: { $0.isText && $0.textLength > 0 }),
                          !element.hasAncestor(where: \.isHeading) {
                    text += 1
                }
            }
            for last in open where text == last.text { orphans.append(last.heading) }
            for orphan in orphans { orphan.remove() }
        }

        func isBoilerplate(_ node: HTMLNode) -> Bool {
            if node.tag == "table", isDataTable(node) { return false }
            if node.hasAncestor(named: MainContent.codeTags) { return false }
            if hasDataTableAncestor(node) { return false }
            let weight = passes.contains(.weighHints) ? MainContent.weight(node) : 0
            if weight + (node.scored ? node.score : 0) < 0 { return true }
            // Other stories, whatever else the name says ("article-related",
            // "relatedArticles"): a block of them inside the article goes.
            if passes.contains(.weighHints), !node.hints.isEmpty, node.hints.mentions(MainContent.otherStories) { return true }
            let statistics = node.statistics()
            guard statistics.commas < 10 else { return false }
            let isList = node.tag == "ul" || node.tag == "ol" || node.tag == "dl"
            let inside = node.descendants()
            let paragraphs = inside.filter { $0.tag == "p" }.count
            let images = inside.filter { $0.tag == "img" }.count
            let items = inside.filter { $0.tag == "li" }.count - 100
            let inputs = inside.filter { $0.tag == "input" }.count
            let headingLength = inside.filter(\.isHeading)
                .reduce(0) { $0 + $1.statistics().length }
            let headingDensity = statistics.length == 0 ? 0 : Double(headingLength) / Double(statistics.length)
            let linkDensity = statistics.linkDensity
            if images > 1, Double(paragraphs) / Double(images) < 0.5, !node.hasAncestor(named: MainContent.figureTags) { return true }
            if !isList, items > paragraphs { return true }
            if inputs > paragraphs / 3 { return true }
            if !isList, headingDensity < 0.9, statistics.length < 25, images == 0 || images > 2, linkDensity > 0 { return true }
            if !isList, weight < 25, linkDensity > 0.2 { return true }
            if weight >= 25, linkDensity > 0.5 { return true }
            if isList, linkDensity > 0.5 { return true }
            return false
        }

        func hasDataTableAncestor(_ node: HTMLNode) -> Bool {
            var current = node.parent
            while let c = current {
                if c.tag == "table" { return isDataTable(c) }
                current = c.parent
            }
            return false
        }

        /// A table of data rather than of layout: headers, a caption, a
        /// summary, or more than ten rows or four columns.
        func isDataTable(_ table: HTMLNode) -> Bool {
            if let known = table.holdsData { return known }
            let holds = tellDataTable(table)
            table.holdsData = holds
            return holds
        }

        func tellDataTable(_ table: HTMLNode) -> Bool {
            if table["role"]?.lowercased() == "presentation" { return false }
            if table["summary"]?.isEmpty == false { return true }
            let inside = table.descendants()
            if inside.contains(where: { $0.tag == "table" }) { return false }
            if inside.contains(where: { MainContent.tableHeadTags.contains($0.tag) }) { return true }
            let rows = inside.filter { $0.tag == "tr" }
            let columns = rows.map { $0.children.filter { $0.tag == "td" }.count }.max() ?? 0
            return rows.count >= 10 || columns > 4 || rows.count * columns > 10
        }
    }
}
