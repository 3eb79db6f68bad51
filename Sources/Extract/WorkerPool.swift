import DossierCore
import Foundation

/// Worker processes that answer requests one at a time (``PersistentWorker``
/// and its wire protocol), for extraction (``ExtractionPool``) and OCR
/// (``OCRPool``): one worker per thread, each taking the next request as
/// it is free, a time limit per request (a worker that overruns it is
/// killed, the next request gets a fresh one), and two policies:
///
/// - **order**: the requests are handed out in the order given (extraction
///   gives the largest files first, so that no core idles at the end
///   waiting for one big PDF; OCR gives pages in reading order);
/// - **stop**: none is started after the stop time (OCR's budget), nor
///   once `completion` has said no (the caller could not store an answer:
///   a full disk).
///
/// With `pipelined`, a worker is handed its next request before its last
/// answer goes to `completion`, so it works while the caller stores.
struct WorkerPool: Sendable {
    /// The worker executable.
    var executable: URL
    /// Its arguments; `--serve` is added.
    var arguments: [String]
    /// Workers at once.
    var concurrency: Int
    /// Seconds one request may take.
    var timeout: Int
    /// Variables added to the workers' environment.
    var environment: [String: String] = [:]

    /// Answers `requests` (one line each) in `order` (indices into
    /// `requests`), starting none after `stop`; `completion` gets each
    /// answer with its request's index, one at a time, and says whether to
    /// go on. Returns how many requests were started.
    @discardableResult
    func run<Answer: Decodable & Sendable>(_ requests: [String], order: [Int], until stop: Date = .distantFuture, pipelined: Bool,
                                           as: Answer.Type, completion: @Sendable (Int, Result<Answer, ExtractionError>) -> Bool) -> Int {
        guard !order.isEmpty else { return 0 }
        let lock = NSLock()
        // Whether requests may still be started: read and written under `lock` only.
        nonisolated(unsafe) var goOn = true
        let next = SharedCounter(), started = SharedCounter()
        /// The next request to start, if one may be.
        @Sendable func take() -> Int? {
            guard Date() < stop, lock.withLock({ goOn }) else { return nil }
            let position = next.increment()
            guard position < order.count else { return nil }
            _ = started.increment()
            return order[position]
        }
        DispatchQueue.concurrentPerform(iterations: min(concurrency, order.count)) { _ in
            let worker = PersistentWorker(executable: executable, arguments: arguments + ["--serve"], environment: environment)
            var current = take()
            // The request the worker holds, or the reason it could not take it.
            var failure = current.flatMap { worker.send(requests[$0], timeout: timeout) }
            while let index = current {
                let result = failure.map { Result<Answer, ExtractionError>.failure($0) } ?? worker.receive(Answer.self)
                var following = pipelined ? take() : nil
                if let following { failure = worker.send(requests[following], timeout: timeout) }
                let going = lock.withLock { () -> Bool in
                    goOn = completion(index, result) && goOn
                    return goOn
                }
                if !pipelined {
                    following = going ? take() : nil
                    if let following { failure = worker.send(requests[following], timeout: timeout) }
                }
                current = following
            }
            worker.stop()
        }
        return min(started.increment(), order.count)
    }
}

/// Workers kept between requests that come one at a time, from any thread
/// (the web's page previews): a request takes an idle worker, or starts
/// one, and gives it back when answered; a worker that crashed or ran out
/// of time is started afresh by its next request. The same protocol and
/// time limit as ``WorkerPool``; at most `keep` workers wait idle.
final class StandingWorkers: @unchecked Sendable {
    let executable: URL
    let arguments: [String]
    let timeout: Int
    let keep: Int
    private let lock = NSLock()
    private var idle: [PersistentWorker] = []

    init(executable: URL, arguments: [String], timeout: Int, keep: Int = 4) {
        self.executable = executable
        self.arguments = arguments
        self.timeout = timeout
        self.keep = keep
    }

    /// The answer to `request`.
    func ask<Answer: Decodable>(_ request: String, as: Answer.Type) -> Result<Answer, ExtractionError> {
        let worker = lock.withLock { idle.popLast() } ?? PersistentWorker(executable: executable, arguments: arguments + ["--serve"])
        let result = worker.send(request, timeout: timeout).map { Result<Answer, ExtractionError>.failure($0) } ?? worker.receive(Answer.self)
        lock.withLock {
            if idle.count < keep { idle.append(worker) } else { worker.stop() }
        }
        return result
    }

    deinit {
        for worker in idle { worker.stop() }
    }
}
