import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Looks host names up once per run with the system resolver, so that an
/// offline machine or a dead domain fails at once with a clear reason
/// instead of waiting for the connect timeout.
actor HostResolver {
    var known: [String: String?] = [:]

    /// Nil when `host` resolves; otherwise why not.
    func check(_ host: String) async -> String? {
        if let answer = known[host] { return answer }
        let answer = await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            DispatchQueue.global().async { continuation.resume(returning: Self.lookup(host)) }
        }
        known[host] = answer
        return answer
    }

    static func lookup(_ host: String) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let code = getaddrinfo(name, nil, &hints, &result)
        if let result { freeaddrinfo(result) }
        switch code {
        case 0: return nil
        case EAI_NONAME: return "cannot resolve \(host): no such host (DNS)"
        case EAI_AGAIN: return "cannot resolve \(host): DNS lookup failed (offline?)"
        default: return "cannot resolve \(host): \(String(cString: gai_strerror(code)))"
        }
    }
}
