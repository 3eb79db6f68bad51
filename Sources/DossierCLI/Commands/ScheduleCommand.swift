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
            install [--at HH:MM]  writes a systemd user service and timer (Persistent=true, so a night the \
            machine was off is caught up at the next boot) when a systemd user instance runs, else a crontab \
            line; each run logs to index/logs/update-<date>.log.
            show                  prints what is installed for this workspace.
            remove                removes it.
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
        let scheduler: Scheduler = Schedulers.systemdAvailable() ? SystemdScheduler(workspace: workspace) : CronScheduler(workspace: workspace)
        let parts = at.split(separator: ":").compactMap { Int($0) }
        switch action {
        case "install":
            try FileManager.default.createDirectory(at: workspace.index.appendingPathComponent("logs"), withIntermediateDirectories: true)
            try scheduler.install(hour: parts[0], minute: parts[1], command: Self.command(workspace))
            print("installed (\(scheduler.name)): `dossier update` every day at \(String(format: "%02d:%02d", parts[0], parts[1])); logs in index/logs/")
        case "show":
            print(try scheduler.show() ?? "nothing scheduled for \(workspace.root.path)")
        default:
            print(try scheduler.remove() ? "removed (\(scheduler.name))" : "nothing was scheduled for \(workspace.root.path)")
        }
    }

    /// The shell command a scheduled run executes.
    static func command(_ workspace: Workspace) -> String {
        let binary = WorkerProgram.currentExecutable.path
        let root = workspace.root.path
        return "cd \(quote(root)) && \(quote(binary)) update --workspace \(quote(root)) >> \(quote(root))/index/logs/update-$(date +\\%F).log 2>&1"
    }

    static func quote(_ s: String) -> String { Shell.quote(s) }
}

protocol Scheduler {
    var name: String { get }
    func install(hour: Int, minute: Int, command: String) throws
    func show() throws -> String?
    func remove() throws -> Bool
}

enum Schedulers {
    /// Whether a systemd user instance answers.
    static func systemdAvailable() -> Bool {
        if ProcessInfo.processInfo.environment["DOSSIER_SCHEDULER"] == "cron" { return false }
        return (try? Shell.run("systemctl", ["--user", "show-environment"]).status) == 0
    }
}

/// A systemd user service and timer per workspace.
struct SystemdScheduler: Scheduler {
    let workspace: Workspace
    var name: String { "systemd user timer \(unit).timer" }
    var unit: String { "dossier-update-\(SHA256.hex(of: Array(workspace.root.path.utf8)).prefix(12))" }
    var folder: URL {
        let config = ProcessInfo.processInfo.environment["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        return config.appendingPathComponent("systemd/user")
    }

    func install(hour: Int, minute: Int, command: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let service = """
            [Unit]
            Description=Dossier: update \(workspace.root.path)

            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c \(ScheduleCommand.quote(command.replacingOccurrences(of: "\\%", with: "%%")))

            """
        let timer = """
            [Unit]
            Description=Dossier: nightly update of \(workspace.root.path)

            [Timer]
            OnCalendar=*-*-* \(String(format: "%02d:%02d", hour, minute)):00
            Persistent=true

            [Install]
            WantedBy=timers.target

            """
        try AtomicFile.write(Data(service.utf8), to: folder.appendingPathComponent("\(unit).service"))
        try AtomicFile.write(Data(timer.utf8), to: folder.appendingPathComponent("\(unit).timer"))
        _ = try Shell.run("systemctl", ["--user", "daemon-reload"])
        let enable = try Shell.run("systemctl", ["--user", "enable", "--now", "\(unit).timer"])
        guard enable.status == 0 else { throw DossierError.workspace("systemctl could not enable \(unit).timer: \(enable.output)") }
    }

    func show() throws -> String? {
        let timer = folder.appendingPathComponent("\(unit).timer")
        guard let text = try? String(contentsOf: timer, encoding: .utf8) else { return nil }
        let status = try Shell.run("systemctl", ["--user", "list-timers", "\(unit).timer", "--no-pager"]).output
        return "\(timer.path)\n\(text)\n\(status)"
    }

    func remove() throws -> Bool {
        let timer = folder.appendingPathComponent("\(unit).timer")
        guard FileManager.default.fileExists(atPath: timer.path) else { return false }
        _ = try Shell.run("systemctl", ["--user", "disable", "--now", "\(unit).timer"])
        try? FileManager.default.removeItem(at: timer)
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("\(unit).service"))
        _ = try Shell.run("systemctl", ["--user", "daemon-reload"])
        return true
    }
}

/// A crontab line per workspace, marked with a comment naming it.
struct CronScheduler: Scheduler {
    let workspace: Workspace
    var name: String { "crontab" }
    var marker: String { "# dossier-update \(workspace.root.path)" }

    func current() throws -> [String] {
        let listed = try Shell.run("crontab", ["-l"])
        // "no crontab for user" is an empty table.
        return listed.status == 0 ? listed.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) : []
    }

    func write(_ lines: [String]) throws {
        var text = lines.joined(separator: "\n")
        while text.hasSuffix("\n\n") { text.removeLast() }
        if !text.hasSuffix("\n") { text += "\n" }
        let result = try Shell.run("crontab", ["-"], input: text)
        guard result.status == 0 else { throw DossierError.workspace("crontab refused the new table: \(result.output)") }
    }

    func withoutOurs(_ lines: [String]) -> [String] {
        var out: [String] = []
        var skipNext = false
        for line in lines {
            if skipNext { skipNext = false; continue }
            if line == marker { skipNext = true; continue }
            out.append(line)
        }
        return out
    }

    func install(hour: Int, minute: Int, command: String) throws {
        guard Shell.which("crontab") != nil else {
            throw DossierError.workspace("neither a systemd user instance nor crontab is available; install cron (apt-get install cron)")
        }
        let lines = withoutOurs(try current()).filter { !$0.isEmpty } + [marker, "\(minute) \(hour) * * * \(command)"]
        try write(lines)
    }

    func show() throws -> String? {
        let lines = try current()
        guard let index = lines.firstIndex(of: marker), index + 1 < lines.count else { return nil }
        return "crontab: \(lines[index + 1])"
    }

    func remove() throws -> Bool {
        let lines = try current()
        guard lines.contains(marker) else { return false }
        try write(withoutOurs(lines))
        return true
    }
}

/// Running a helper program.
enum Shell {
    /// `s` in single quotes for /bin/sh.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    static func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func run(_ name: String, _ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        guard let path = which(name) else { return (127, "\(name): not found") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        let inPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        try process.run()
        if let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inPipe.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
