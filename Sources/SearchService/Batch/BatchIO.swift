import DossierCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines in from standard input and out to standard output, for
/// `search --batch`.
///
/// Output is gathered and written when no more input is waiting: just
/// before a read that could block, and at the end. A script that writes one
/// query and waits for its answer gets the answer at once; a file of queries
/// piped in costs one write per 64 KiB of results, not one system call per
/// query (which also cooled the caches the next query ran in).
struct BatchIO {
    private var input = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    private var finished = false
    private var output: [UInt8] = []

    init() { output.reserveCapacity(1 << 16) }

    /// The next line of standard input without its line break ("\n" or
    /// "\r\n"), invalid UTF-8 repaired; nil at the end of input.
    mutating func readLine() throws -> String? {
        // Bytes of the buffer before `scanned` hold no line break.
        var scanned = start
        while true {
            if let newline = input[scanned..<end].firstIndex(of: UInt8(ascii: "\n")) {
                var last = newline
                if last > start, input[last - 1] == UInt8(ascii: "\r") { last -= 1 }
                let line = String(decoding: input[start..<last], as: UTF8.self)
                start = newline + 1
                return line
            }
            if finished {
                guard start < end else { return nil }
                let line = String(decoding: input[start..<end], as: UTF8.self)
                start = end
                return line
            }
            let pending = end - start
            try fill()
            scanned = start + pending
        }
    }

    /// Reads more input, writing what is gathered first: the read may wait.
    private mutating func fill() throws {
        try flush()
        if start > 0 {
            // Keep the unfinished line at the front.
            input.withUnsafeMutableBufferPointer { buffer in
                let count = end - start
                if count > 0 { _ = memmove(buffer.baseAddress!, buffer.baseAddress! + start, count) }
            }
            end -= start
            start = 0
        }
        if end == input.count { input += [UInt8](repeating: 0, count: input.count) }
        while true {
            let n = input.withUnsafeMutableBufferPointer { read(0, $0.baseAddress! + end, $0.count - end) }
            if n > 0 {
                end += n
                return
            }
            if n == 0 {
                finished = true
                return
            }
            guard errno == EINTR else { throw DossierError.io(path: "standard input", reason: String(cString: strerror(errno))) }
        }
    }

    /// Queues bytes for standard output.
    mutating func write(_ bytes: [UInt8]) throws {
        output += bytes
        if output.count >= 1 << 16 { try flush() }
    }

    /// Writes what is queued.
    mutating func flush() throws {
        var done = 0
        while done < output.count {
            let n = output.withUnsafeBufferPointer { systemWrite(1, $0.baseAddress! + done, $0.count - done) }
            if n >= 0 {
                done += n
            } else if errno != EINTR {
                throw DossierError.io(path: "standard output", reason: String(cString: strerror(errno)))
            }
        }
        output.removeAll(keepingCapacity: true)
    }
}

private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
