import ArgumentParser
import Catalog
import DossierCore
import Foundation
import Pipeline
import SearchService

/// `dossier verify`: our index against SQLite FTS5, query by query.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the index against SQLite FTS5: same passages, same matches, same scores.",
        usage: "dossier verify [<options>]",
        discussion: """
            Checks that the index holds exactly the catalog's passages, runs FTS5's integrity check on the \
            cross-check table, then draws queries from the index's own vocabulary (rare, middle and common \
            terms; AND, OR, NOT; phrases; prefixes; NEAR; nested) and runs each through both engines, \
            comparing the full result sets and the top 100 by (score, passage id), bit for bit. Exits 1 on \
            any difference.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Option(help: "Queries to draw.")
    var queries = 200

    @Option(help: "Seed for drawing queries (the same seed draws the same queries).")
    var seed: UInt64 = 1

    @Flag(help: "Print a JSON report.")
    var json = false

    func run() throws {
        let workspace = try options.resolve()
        // The catalog and the index agree only between updates: wait for a running one.
        let lock = try UpdateLock(workspace, shared: true, wait: true) { Terminal.warning("an update is running; verifying once it has committed") }
        defer { lock.release() }
        let catalog = try CatalogStore(workspace: workspace)
        // An index commit a killed update did not publish is finished first, as the next update would.
        if try Pipeline(workspace: workspace, catalog: catalog).finishInterruptedCommit() {
            Terminal.warning("the last update was killed after its index commit; its catalog changes are now published")
        }
        let report = try CrossCheck.run(workspace: workspace, catalog: catalog, queries: queries, seed: seed)
        let mismatches = report.mismatches
        if json {
            try Terminal.printJSON(report)
        } else {
            print("index generation \(report.generation): \(report.passages) passages, the same as the catalog's: \(report.samePassages ? "yes" : "NO")")
            print("\(report.agreed) of \(queries) queries agree with FTS5 (\(report.withResults) with results; \(report.resultsCompared) ranked results compared bit for bit)")
            for mismatch in mismatches.prefix(10) {
                print("MISMATCH [\(mismatch.kind)] \(mismatch.query): \(mismatch.detail)")
            }
        }
        if !mismatches.isEmpty { throw ExitCode.failure }
    }
}
