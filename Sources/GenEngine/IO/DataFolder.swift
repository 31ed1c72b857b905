import Foundation

/// Walking folders of user data as users' folders really are: hidden files and the leftovers of
/// macOS archives (`.DS_Store`, `._name` AppleDouble files, `__MACOSX/`) are never data, and an
/// entry that is not a readable regular file (a folder named `x.png`, a FIFO, a dangling symlink,
/// a file without read permission) is named with the reason, so a tool can skip it or stop.
public enum DataFolder {
    /// Whether an entry's name marks it as never data: hidden, or `isSystemLitter`.
    public static func isJunk(_ name: String) -> Bool { name.hasPrefix(".") || isSystemLitter(name) }

    /// Whether an entry is what file managers leave in folders (Finder's `.DS_Store` and `._name`
    /// AppleDouble files, `__MACOSX/`, Windows' `Thumbs.db` and `desktop.ini`): nobody's file.
    public static func isSystemLitter(_ name: String) -> Bool {
        name == ".DS_Store" || name.hasPrefix("._") || name == "__MACOSX" || name == "Thumbs.db" || name == "desktop.ini"
    }

    /// The names in `folder` that may be data, sorted. Throws `IOFailure` (missing, unreadable).
    public static func entries(_ folder: URL) throws -> [String] {
        guard SystemPath.exists(folder.path).exists else { throw IOFailure.missing(folder.path) }
        // readdir, not FileManager: a name that is not UTF-8 keeps its bytes (`SystemPath`).
        guard let dir = SystemPath.with(folder.path, { opendir($0) }) else {
            throw IOFailure.unreadable(folder.path, reason: "cannot list the folder")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                SystemPath.string(fromBytes: raw.prefix { $0 != 0 })
            }
            if name != "." && name != ".." && !isJunk(name) { names.append(name) }
        }
        return names.sorted()
    }

    /// The files under `folder` and its subfolders (junk left out) whose extension, lowercased, is
    /// one of `extensions`, sorted by path. Throws `IOFailure` for `folder` itself; a subfolder that
    /// cannot be listed is left out.
    public static func files(under folder: URL, extensions: Set<String>) throws -> [URL] {
        var found: [URL] = []
        // Folders by the bytes of their real path (Strings compare Unicode-equivalent names equal):
        // a symbolic link back up is walked once.
        var seen = Set<[CChar]>()
        func walk(_ dir: URL) throws {
            guard seen.insert(SystemPath.bytes(SystemPath.resolved(dir.path))).inserted else { return }
            for name in try entries(dir) {
                let url = dir.appendingPathComponent(name)
                if isFolder(url) {
                    try? walk(url)
                } else if extensions.contains(url.pathExtension.lowercased()) {
                    found.append(url)
                }
            }
        }
        try walk(folder)
        return found.sorted { $0.path < $1.path }
    }

    /// Whether `url` is a folder (following symlinks).
    public static func isFolder(_ url: URL) -> Bool {
        SystemPath.exists(url.path).isFolder
    }

    /// Why `url` cannot be read as a data file, or nil when it is a readable regular file
    /// (following symlinks).
    public static func problem(_ url: URL) -> String? {
        var info = stat()
        guard SystemPath.with(url.path, { stat($0, &info) }) == 0 else {
            var link = stat()
            return SystemPath.with(url.path, { lstat($0, &link) }) == 0 ? "a symbolic link to nothing" : "no such file"
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "a folder, not a file"
        case S_IFIFO: return "a FIFO (named pipe), not a file"
        case S_IFCHR, S_IFBLK: return "a device, not a file"
        case S_IFSOCK: return "a socket, not a file"
        default: return "not a regular file"
        }
        return SystemPath.with(url.path, { access($0, R_OK) }) == 0 ? nil : "not readable (permission denied)"
    }
}
