import ArgumentParser
import DossierCore
import Foundation
import SearchService

/// `dossier`: search the documents your notes cite.
public struct Dossier: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: "Search the documents your notes cite.",
        discussion: """
            Dossier reads the Markdown and text notes in corpus/notes/, finds every link in them, \
            fetches the linked PDFs and web pages, and indexes their text page by page, so that a \
            search answers with passages, page numbers and the note line that cites each document.

            The workspace is --workspace DIR, else $DOSSIER_WORKSPACE, else the nearest folder at or \
            above the current one that has corpus/notes/.

            Exit status: 0 on success, 1 on failure, 2 on bad usage.
            """,
        version: DossierVersion.string,
        subcommands: [InitCommand.self, NotesCommand.self, LinksCommand.self, UpdateCommand.self, FetchCommand.self, AttachCommand.self, IndexCommand.self, DocumentsCommand.self, SearchCommand.self, OpenCommand.self, ShowCommand.self, CiteCommand.self, MetaCommand.self, StatusCommand.self, VerifyCommand.self, ExportCommand.self, ScheduleCommand.self, ServeCommand.self, MCPCommand.self, WorkerCommand.self]
    )

    public init() {}
}

/// The process entry point: parses the command line, runs the command, and
/// turns every failure into one line on stderr and an exit status
/// (0 success, 1 failure, 2 bad usage); never a stack trace.
public enum DossierMain {
    /// Runs `dossier` with the process's arguments and exits.
    public static func main(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        var command: ParsableCommand
        do {
            command = try Dossier.parseAsRoot(arguments)
        } catch {
            let code = Dossier.exitCode(for: error)
            if code == .success {
                print(Dossier.fullMessage(for: error))
                exit(0)
            }
            let message = Dossier.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad usage"
            Terminal.error("\(message) (see `dossier help`)")
            exit(2)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch let error as DossierError {
            Terminal.error(error.description)
            exit(error.isUsage ? 2 : 1)
        } catch let error as QueryError {
            Terminal.error(error.description)
            exit(2)
        } catch let error as ExitCode {
            exit(error.rawValue)
        } catch {
            let code = Dossier.exitCode(for: error)
            if code == .success {
                print(Dossier.fullMessage(for: error))
                exit(0)
            }
            let message = Dossier.message(for: error).replacingOccurrences(of: "\n", with: " ")
            Terminal.error(message.isEmpty ? String(describing: error) : message)
            exit(code == .validationFailure ? 2 : 1)
        }
    }
}

extension DossierError {
    var isUsage: Bool { if case .usage = self { return true }; return false }
}
