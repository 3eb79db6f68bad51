import CPoppler
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Renders a PDF page to PNG with poppler and cairo, outlining given words.
///
/// The words are found on the page with poppler's own text search
/// (`poppler_page_find_text`, whose rectangles are in PDF points with the
/// origin at the bottom left) and outlined in the image; the search page uses
/// this for its previews.
public enum PageRenderer {
    /// The most pixels an image may have: a page far taller than wide is
    /// drawn narrower rather than as an image of gigabytes.
    public static let maximumPixels = 4 << 20
    /// The tallest image (cairo's images stop at 32767 pixels a side).
    public static let maximumHeight = 16384

    /// PNG bytes of page `index` (1-based) of the PDF at `path`, `width`
    /// pixels wide (narrower if the page is so tall that the image would
    /// pass ``maximumPixels`` or ``maximumHeight``), with every occurrence
    /// of each of `words` outlined.
    public static func png(path: String, page index: Int, width: Int, words: [String]) throws -> Data {
        var error: UnsafeMutablePointer<GError>?
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let uri = g_filename_to_uri(absolute, nil, &error) else { throw ExtractionError.unreadable("bad file name") }
        defer { g_free(uri) }
        guard let document = poppler_document_new_from_file(uri, nil, &error) else {
            if let error { g_error_free(error) }
            throw ExtractionError.unreadable("poppler cannot open it")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(document)) }
        guard index >= 1, index <= Int(poppler_document_get_n_pages(document)),
              let page = poppler_document_get_page(document, Int32(index - 1)) else {
            throw ExtractionError.failed("no page \(index)")
        }
        defer { g_object_unref(UnsafeMutableRawPointer(page)) }
        var pageWidth = 0.0, pageHeight = 0.0
        poppler_page_get_size(page, &pageWidth, &pageHeight)
        var scale = Double(width) / max(pageWidth, 1)
        if Double(width) * pageHeight * scale > Double(maximumPixels) {
            scale = (Double(maximumPixels) / max(pageWidth * pageHeight, 1)).squareRoot()
        }
        scale = min(scale, Double(maximumHeight) / max(pageHeight, 1))
        let imageWidth = max(1, min(width, Int((pageWidth * scale).rounded(.down))))
        let height = max(1, Int((pageHeight * scale).rounded(.down)))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(imageWidth), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw ExtractionError.failed("cannot make an image of \(imageWidth)×\(height) pixels")
        }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        cairo_scale(cr, scale, scale)
        poppler_page_render(page, cr)
        cairo_set_source_rgba(cr, 0.86, 0.1, 0.1, 0.9)
        cairo_set_line_width(cr, 1.5 / scale)
        for word in Set(words) where !word.isEmpty {
            var list = poppler_page_find_text(page, word)
            let head = list
            while let node = list {
                if let rect = node.pointee.data?.assumingMemoryBound(to: PopplerRectangle.self).pointee {
                    let top = pageHeight - max(rect.y1, rect.y2)
                    cairo_rectangle(cr, rect.x1 - 1, top - 1, abs(rect.x2 - rect.x1) + 2, abs(rect.y2 - rect.y1) + 2)
                    cairo_stroke(cr)
                }
                list = node.pointee.next
            }
            if let head { g_list_free_full(head) { poppler_rectangle_free($0?.assumingMemoryBound(to: PopplerRectangle.self)) } }
        }
        cairo_surface_flush(surface)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("preview-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: file) }
        guard cairo_surface_write_to_png(surface, file.path) == CAIRO_STATUS_SUCCESS else { throw ExtractionError.failed("cannot encode the preview") }
        return try Data(contentsOf: file)
    }
}

/// Where the web interface's page previews are drawn.
///
/// Drawing runs poppler's renderer over a PDF, which may be broken or
/// hostile: ``worker(executable:arguments:timeout:)`` draws in a child
/// process (`dossier worker render`) with its own memory limit and a time
/// limit, so that a crash or a hang fails that one preview with a one-line
/// error and the server goes on. ``inProcess`` draws in the calling process.
public struct PreviewRenderer: Sendable {
    /// PNG bytes of a page: the PDF's path, the 1-based page, the width in pixels, the words to outline.
    public let render: @Sendable (_ path: String, _ page: Int, _ width: Int, _ words: [String]) throws -> Data

    /// A renderer from a function.
    public init(_ render: @escaping @Sendable (_ path: String, _ page: Int, _ width: Int, _ words: [String]) throws -> Data) {
        self.render = render
    }

    /// Draws in this process.
    public static let inProcess = PreviewRenderer { path, page, width, words in
        try PageRenderer.png(path: path, page: page, width: width, words: words)
    }

    /// Draws in a child process started as `executable` with `arguments`,
    /// then `--page N --width W`, a `--word` per word, and the path; it
    /// writes the PNG on stdout and exits 0, or writes one line on stderr and
    /// exits non-zero. Killed after `timeout` seconds.
    public static func worker(executable: URL, arguments: [String], timeout: Int = 30) -> PreviewRenderer {
        PreviewRenderer { path, page, width, words in
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments + ["--page", String(page), "--width", String(width)] + words.flatMap { ["--word", $0] } + [path]
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // Read both pipes as they fill, until the child closes them or the time is up.
            let deadline = Date().addingTimeInterval(TimeInterval(timeout))
            var png = Data(), message = Data()
            var open = [out.fileHandleForReading.fileDescriptor, err.fileHandleForReading.fileDescriptor]
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while !open.isEmpty {
                guard let ready = readable(open, until: deadline) else {
                    guard deadline.timeIntervalSinceNow <= 0 else { break }
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    throw ExtractionError.timedOut(seconds: timeout)
                }
                for fd in ready {
                    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n <= 0 {
                        open.removeAll { $0 == fd }
                    } else if fd == out.fileHandleForReading.fileDescriptor {
                        png.append(contentsOf: chunk[0..<n])
                    } else if message.count < 4096 {
                        message.append(contentsOf: chunk[0..<n])
                    }
                }
            }
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal {
                throw ExtractionError.crashed("signal \(process.terminationStatus)")
            }
            guard process.terminationStatus == 0, png.starts(with: [0x89, 0x50, 0x4E, 0x47]) else {
                let line = String(decoding: message, as: UTF8.self).split(separator: "\n").first.map(String.init)
                throw ExtractionError.failed(line ?? "the renderer exited with status \(process.terminationStatus)")
            }
            return png
        }
    }
}
