import DossierCore
import Foundation

// The nightly update: `dossier schedule` installs a systemd user timer (or
// a crontab line) that runs `dossier update` in the workspace every day.

public protocol Scheduler {
    /// What is used, for messages ("crontab", "systemd user timer …").
    var name: String { get }
    /// Why what is installed would not run, and what to do about it: no
    /// cron daemon running; a systemd user manager that stops when the
    /// user logs out (no lingering). Nil when it will run.
    func whyItWouldNotRun() -> String?
    /// Runs `command` every day at `hour`:`minute`.
    func install(hour: Int, minute: Int, command: String) throws
    /// What is installed for the workspace, if anything.
    func show() throws -> String?
    /// Removes what is installed; false when nothing was.
    func remove() throws -> Bool
}

public enum Schedulers {
    /// Whether a systemd user instance answers.
    static func systemdAvailable() -> Bool {
        if ProcessInfo.processInfo.environment["DOSSIER_SCHEDULER"] == "cron" { return false }
        return (try? Shell.run("systemctl", ["--user", "show-environment"]).status) == 0
    }

    /// The scheduler for `workspace`: a systemd user timer when a systemd
    /// user instance runs (DOSSIER_SCHEDULER=cron says otherwise), else cron.
    public static func forWorkspace(_ workspace: Workspace) -> any Scheduler {
        systemdAvailable() ? SystemdScheduler(workspace: workspace) : CronScheduler(workspace: workspace)
    }

    /// The program the user ran, as they named it: `argv[0]` made absolute
    /// (found on `PATH` when it has no slash) without resolving links, so
    /// that a schedule installed through `/usr/local/bin/dossier` (a link to
    /// a build folder) keeps running whatever build that link names later.
    public static func invokedProgram(argument0: String = CommandLine.arguments[0],
                                      path: String? = ProcessInfo.processInfo.environment["PATH"],
                                      directory: String = FileManager.default.currentDirectoryPath) -> String? {
        if argument0.contains("/") {
            let url = argument0.hasPrefix("/") ? URL(fileURLWithPath: argument0) : URL(fileURLWithPath: directory).appendingPathComponent(argument0)
            return FileManager.default.isExecutableFile(atPath: url.path) ? url.standardized.path : nil
        }
        for folder in (path ?? "").split(separator: ":") where !folder.isEmpty {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(argument0).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Whether a process named one of `names` runs (read from /proc).
    static func running(_ names: Set<String>) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        for entry in entries where entry.allSatisfy(\.isNumber) {
            guard let comm = try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8) else { continue }
            if names.contains(comm.trimmingCharacters(in: .whitespacesAndNewlines)) { return true }
        }
        return false
    }

    /// The shell command a scheduled run executes: `binary update` in the
    /// workspace, appending to `index/logs/update-<date>.log`.
    public static func updateCommand(_ workspace: Workspace, binary: String) -> String {
        let root = workspace.root.path
        let q = Shell.quote
        return "cd \(q(root)) && \(q(binary)) update --workspace \(q(root)) >> \(q(root))/index/logs/update-$(date +\\%F).log 2>&1"
    }
}

/// A systemd user service and timer per workspace.
public struct SystemdScheduler: Scheduler {
    let workspace: Workspace
    public var name: String { "systemd user timer \(unit).timer" }

    public func whyItWouldNotRun() -> String? {
        let user = ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
        guard let shown = try? Shell.run("loginctl", ["show-user", user, "--property=Linger"]), shown.status == 0 else { return nil }
        guard shown.output.trimmingCharacters(in: .whitespacesAndNewlines) != "Linger=yes" else { return nil }
        return "your systemd user manager stops when you log out, and the timer with it: `loginctl enable-linger \(user)` keeps it for the nights"
    }
    var unit: String { "dossier-update-\(SHA256.hex(of: Array(workspace.root.path.utf8)).prefix(12))" }
    var folder: URL {
        let config = ProcessInfo.processInfo.environment["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        return config.appendingPathComponent("systemd/user")
    }

    public func install(hour: Int, minute: Int, command: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let service = """
            [Unit]
            Description=Dossier: update \(workspace.root.path)

            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c \(Shell.quote(command.replacingOccurrences(of: "\\%", with: "%%")))

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

    public func show() throws -> String? {
        let timer = folder.appendingPathComponent("\(unit).timer")
        guard let text = try? String(contentsOf: timer, encoding: .utf8) else { return nil }
        let status = try Shell.run("systemctl", ["--user", "list-timers", "\(unit).timer", "--no-pager"]).output
        return "\(timer.path)\n\(text)\n\(status)"
    }

    public func remove() throws -> Bool {
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
public struct CronScheduler: Scheduler {
    let workspace: Workspace
    public var name: String { "crontab" }

    public func whyItWouldNotRun() -> String? {
        Schedulers.running(["cron", "crond", "cronie", "busybox-crond"]) ? nil
            : "no cron daemon is running on this machine, so the crontab line will not run: start it (`sudo service cron start`, "
                + "or `sudo systemctl enable --now cron`)"
    }
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

    public func install(hour: Int, minute: Int, command: String) throws {
        guard Shell.which("crontab") != nil else {
            throw DossierError.workspace("neither a systemd user instance nor crontab is available; install cron (apt-get install cron)")
        }
        let lines = withoutOurs(try current()).filter { !$0.isEmpty } + [marker, "\(minute) \(hour) * * * \(command)"]
        try write(lines)
    }

    public func show() throws -> String? {
        let lines = try current()
        guard let index = lines.firstIndex(of: marker), index + 1 < lines.count else { return nil }
        return "crontab: \(lines[index + 1])"
    }

    public func remove() throws -> Bool {
        let lines = try current()
        guard lines.contains(marker) else { return false }
        try write(withoutOurs(lines))
        return true
    }
}
