import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Listing the files of the corpus folders.
enum FileWalk {
    /// The regular files under `folder`, hidden ones left out, sorted by
    /// path: read with readdir (the nightly update lists every file of the
    /// corpus each time, and Foundation's enumerator took most of an update
    /// with nothing to do).
    ///
    /// With `followingLinks` (the library, where a user may link a folder
    /// of papers kept elsewhere), a symbolic link to a file or a folder
    /// outside `folder` is read as if it were there; one whose target lies
    /// inside `folder` is left out (the target is listed in its own place),
    /// a folder already being walked is not entered again (a loop), and a
    /// broken link is reported in `warnings`. Without it, links are left out.
    static func files(in folder: URL, followingLinks: Bool = false) -> (files: [URL], warnings: [(path: String, problem: String)]) {
        var result: [String] = []
        var warnings: [(path: String, problem: String)] = []
        let root = folder.standardizedFileURL.path
        let realRoot = realPath(root) ?? root
        struct Node: Hashable {
            var device: UInt64
            var inode: UInt64
        }
        func node(_ info: stat) -> Node { Node(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) }
        func inside(_ path: String) -> Bool { path == realRoot || path.hasPrefix(realRoot + "/") }
        func walk(_ path: String, _ ancestors: Set<Node>) {
            guard let directory = opendir(path) else { return }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard !name.hasPrefix(".") else { continue }
                let child = path + "/" + name
                var type = Int32(entry.pointee.d_type)
                var info = stat()
                if type == Int32(DT_UNKNOWN) || (type == Int32(DT_DIR) && followingLinks) {
                    guard lstat(child, &info) == 0 else { continue }
                    let format = info.st_mode & S_IFMT
                    type = format == S_IFDIR ? Int32(DT_DIR) : format == S_IFREG ? Int32(DT_REG) : format == S_IFLNK ? Int32(DT_LNK) : 0
                }
                if type == Int32(DT_LNK) {
                    guard followingLinks else { continue }
                    guard stat(child, &info) == 0, let target = realPath(child) else {
                        warnings.append((child, "a broken symbolic link; left out"))
                        continue
                    }
                    guard !inside(target) else { continue }
                    let format = info.st_mode & S_IFMT
                    type = format == S_IFDIR ? Int32(DT_DIR) : format == S_IFREG ? Int32(DT_REG) : 0
                }
                if type == Int32(DT_DIR) {
                    // Folders are told apart by device and inode only where links are followed.
                    guard followingLinks else {
                        walk(child, ancestors)
                        continue
                    }
                    let here = node(info)
                    guard !ancestors.contains(here) else {
                        warnings.append((child, "a symbolic link back into a folder it is in; not followed again"))
                        continue
                    }
                    walk(child, ancestors.union([here]))
                } else if type == Int32(DT_REG) {
                    result.append(child)
                }
            }
        }
        var info = stat()
        walk(root, stat(root, &info) == 0 ? [node(info)] : [])
        return (result.sorted().map { URL(fileURLWithPath: $0) }, warnings)
    }

    /// The canonical path of `path`, every link resolved.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
