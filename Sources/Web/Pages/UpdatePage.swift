import Foundation
import HTTPTypes
import Hummingbird

/// The update page: start an update, watch it run, read its report.
struct UpdateView {
    var title = "Update"
    /// The page reloads itself every few seconds while an update runs.
    var running: Bool
    var available: Bool
    var status: String
    var lines: [String]
    var failed: String?
    var hasReport: Bool

    init(running: Bool, available: Bool, status: String, lines: [String], failed: String? = nil) {
        self.running = running
        self.available = available
        self.status = status
        self.lines = lines
        self.failed = failed
        hasReport = !lines.isEmpty
    }
}

extension Site {
    /// `GET /update`.
    func updatePage() -> Response {
        let stamp = Date.ISO8601FormatStyle()
        guard let updates else {
            return page(UpdateView(running: false, available: false, status: "This server cannot run updates.", lines: []), "update")
        }
        let view: UpdateView
        // An update run outside this server (a terminal, the schedule) after the server's own last one.
        let onDisk = updates.lastReport?()
        let outside = { (report: (at: Date, lines: [String])) in
            UpdateView(running: false, available: true,
                       status: "The last update ended at \(report.at.formatted(stamp)) (run by `dossier update` or the schedule, not from this page).",
                       lines: report.lines)
        }
        switch updates.state {
        case .idle:
            view = onDisk.map(outside) ?? UpdateView(running: false, available: true, status: "No update has run yet.", lines: [])
        case .finished(let at, _) where (onDisk?.at ?? .distantPast) > at.addingTimeInterval(1):
            view = outside(onDisk!)
        case .running(let since):
            let doing = updates.progress?.line.map { " \($0)" } ?? ""
            view = UpdateView(running: true, available: true, status: "An update is running (since \(since.formatted(stamp))).\(doing)", lines: [])
            // The page looks again in a few seconds, without a script.
            var response = page(view, "update")
            response.headers[HTTPField.Name("Refresh")!] = "3"
            return response
        case .finished(let at, let lines):
            view = UpdateView(running: false, available: true, status: "The last update ended at \(at.formatted(stamp)).", lines: lines)
        case .failed(let at, let message):
            view = UpdateView(running: false, available: true, status: "The last update failed at \(at.formatted(stamp)).", lines: [], failed: message)
        }
        return page(view, "update")
    }

    /// `POST /update`: starts an update (unless one runs) and sends the
    /// browser to the update page. Only a page of this server may ask:
    /// a browser says so with `Sec-Fetch-Site: same-origin` (or `none`);
    /// one that does not send it must send no `Origin`, or this server's.
    func startUpdate(_ request: Request) throws -> Response {
        guard let updates else { throw HTTPError(.notFound, message: "this server cannot run updates") }
        let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]
        let origin = request.headers[.origin]
        let ownOrigin = origin.map { value -> Bool in
            guard let url = URL(string: value), let host = url.host else { return false }
            let port = url.port.map { ":\($0)" } ?? ""
            return "\(host)\(port)" == request.head.authority || "[\(host)]\(port)" == request.head.authority
        } ?? true
        guard site == nil || site == "same-origin" || site == "none", ownOrigin else {
            throw HTTPError(.forbidden, message: "only a page of this server may start an update")
        }
        updates.start()
        return Response(status: .seeOther, headers: [.location: "/update"])
    }
}
