/// Politeness: at most N requests in flight per host, and a least delay
/// between two requests' starts to the same host.
actor HostLimiter {
    let perHost: Int
    let delay: Duration
    var active: [String: Int] = [:]
    var nextStart: [String: ContinuousClock.Instant] = [:]
    var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(perHost: Int, delay: Duration) {
        self.perHost = max(1, perHost)
        self.delay = delay
    }

    /// Waits for a slot for `host`, then for its politeness delay.
    func acquire(_ host: String) async {
        while active[host, default: 0] >= perHost {
            await withCheckedContinuation { waiters[host, default: []].append($0) }
        }
        active[host, default: 0] += 1
        let now = ContinuousClock.now
        let start = max(now, nextStart[host] ?? now)
        nextStart[host] = start + delay
        if start > now { try? await Task.sleep(until: start, clock: .continuous) }
    }

    /// Gives the slot back.
    func release(_ host: String) {
        active[host, default: 1] -= 1
        if var queue = waiters[host], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[host] = queue
            next.resume()
        }
    }
}
