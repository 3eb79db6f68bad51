import ArgumentParser
import DossierCore
import Foundation
import Pipeline

/// `dossier schedule install|show|remove`: run `dossier update` every night.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Run `dossier update` in this workspace every night (systemd user timer, else cron).",
        discussion: """
              install [--at HH:MM]  runs the update every night at that time
              show                  prints what is installed for this workspace
              remove                removes it

            install writes a systemd user service and timer (Persistent=true, so a \
            night the machine was off is caught up at the next boot) when a systemd user \
            instance runs, else a crontab line; each run logs to \
            index/logs/update-<date>.log.
            """)

    @OptionGroup var options: WorkspaceOptions

    @Argument(help: "install, show or remove.")
    var action: String

    @Option(help: "Time of day, HH:MM (24 h).")
    var at = "03:00"

    func validate() throws {
        guard ["install", "show", "remove"].contains(action) else { throw ValidationError("the action is install, show or remove") }
        let parts = at.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else {
            throw ValidationError("--at wants a time like 03:00")
        }
    }

    func run() throws {
        let workspace = try options.resolve()
        let scheduler = Schedulers.forWorkspace(workspace)
        let parts = at.split(separator: ":").compactMap { Int($0) }
        switch action {
        case "install":
            try FileManager.default.createDirectory(at: workspace.index.appendingPathComponent("logs"), withIntermediateDirectories: true)
            // The program as the user named it (a link stays a link), else this build's file.
            let binary = Schedulers.invokedProgram() ?? WorkerProgram.currentExecutable.path
            try scheduler.install(hour: parts[0], minute: parts[1], command: Schedulers.updateCommand(workspace, binary: binary))
            print("installed (\(scheduler.name)): `\(binary) update` every day at \(String(format: "%02d:%02d", parts[0], parts[1])); logs in index/logs/")
            if let problem = scheduler.whyItWouldNotRun() { Terminal.warning(problem) }
        case "show":
            print(try scheduler.show() ?? "nothing scheduled for \(workspace.root.path)")
        default:
            print(try scheduler.remove() ? "removed (\(scheduler.name))" : "nothing was scheduled for \(workspace.root.path)")
        }
    }
}
