import Catalog
import DossierCore
import Foundation
import SearchService
import TestSupport
import Testing

/// An assistant sends a researcher's question as typed (issue 37, item 3):
/// when no document holds every word, the search keeps the words that say
/// what is asked about, all of them, else any, and says so.
@Suite("Questions as queries")
struct QuestionTests {
    @Test("the README's question to an assistant finds the EU guide's pages on captive-bred specimens")
    func readmeQuestion() throws {
        let root = try exampleWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["EU-Wildlife-Trade-Reference-Guide.pdf", "SAPI__cites_trade_guidelines__en-CITES_Trade_Database_Guide.pdf"] {
            let source = LanguageCLITests.shared.appendingPathComponent(name)
            try #require(FileManager.default.fileExists(atPath: source.path), "../shared/corpus-real is not beside the repository")
            try FileManager.default.copyItem(at: source, to: root.appendingPathComponent("corpus/library/\(name)"))
        }
        #expect(try dossier(["index", "--no-ocr"], in: root).status == 0)
        let workspace = Workspace(root: root)
        let catalog = try CatalogStore(readingFrom: workspace)
        let question = "what does the EU reference guide say about captive-bred specimens?"

        // As the CLI and the web search: every word, no fallback.
        let strict = try SearchResults.run(SearchRequest(query: question), workspace: workspace, catalog: catalog)
        #expect(strict.0.total == 0 && strict.0.anyWordsQuery == nil)

        var request = SearchRequest(query: question)
        request.anyWordsFallback = true
        let (output, hints) = try SearchResults.run(request, workspace: workspace, catalog: catalog)
        #expect(output.query == question)
        #expect(output.anyWordsQuery == "EU reference guide captive-bred specimens")
        #expect(hints.first?.contains("left out as common words: what, does, the, say, about") == true, "\(hints)")
        let first = try #require(output.results.first)
        #expect(first.document.title?.contains("EU Wildlife Trade Regulations") == true)
        let guide = output.results.filter { $0.document.id == first.document.id }
        #expect(guide.contains { $0.snippet.lowercased().contains("captive-bred") || $0.snippet.lowercased().contains("captive bred") },
                "\(guide.map(\.snippet))")

        // Words no document holds together: any of them, ranked.
        var scattered = SearchRequest(query: "which report is about okapi or captive-bred pangolins?")
        scattered.anyWordsFallback = true
        let any = try SearchResults.run(scattered, workspace: workspace, catalog: catalog)
        #expect(any.0.anyWordsQuery == "report OR okapi OR captive-bred OR pangolins", "\(any.1)")
        #expect(any.0.total > 0)

        // A question's parentheses, colons and typographic apostrophes are its punctuation, not a query's.
        var pasted = SearchRequest(query: "What’s in the EU reference guide (section: captive-bred specimens)?")
        pasted.anyWordsFallback = true
        let fromPaste = try SearchResults.run(pasted, workspace: workspace, catalog: catalog)
        #expect(fromPaste.0.anyWordsQuery == "EU reference guide section captive-bred specimens", "\(fromPaste.1)")
        #expect(fromPaste.0.results.first?.document.title?.contains("EU Wildlife Trade Regulations") == true)

        // A query in the query language is left as it is.
        var operators = SearchRequest(query: "okapi AND \"captive bred\"")
        operators.anyWordsFallback = true
        #expect(try SearchResults.run(operators, workspace: workspace, catalog: catalog).0.anyWordsQuery == nil)
    }
}
