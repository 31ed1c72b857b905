import Foundation

/// Walking folders of user data as users' folders really are: hidden files and the leftovers of
/// macOS archives (`.DS_Store`, `._name` AppleDouble files, `__MACOSX/`) are never data, and an
/// entry that is not a readable regular file (a folder named `x.png`, a FIFO, a dangling symlink,
/// a file without read permission) is named with the reason, so a tool can skip it or stop.
public enum DataFolder {
    /// Whether an entry's name marks it as never data.
    public static func isJunk(_ name: String) -> Bool {
        name.hasPrefix(".") || name == "__MACOSX" || name == "Thumbs.db" || name == "desktop.ini"
    }

    /// The names in `folder` that may be data, sorted. Throws `IOFailure` (missing, unreadable).
    public static func entries(_ folder: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: folder.path) else { throw IOFailure.missing(folder.path) }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !isJunk($0) }.sorted()
        } catch {
            throw IOFailure.unreadable(folder.path, reason: "cannot list the folder")
        }
    }

    /// Whether `url` is a folder (following symlinks).
    public static func isFolder(_ url: URL) -> Bool {
        var info = stat()
        return stat(url.path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Why `url` cannot be read as a data file, or nil when it is a readable regular file
    /// (following symlinks).
    public static func problem(_ url: URL) -> String? {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            var link = stat()
            return lstat(url.path, &link) == 0 ? "a symbolic link to nothing" : "no such file"
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "a folder, not a file"
        case S_IFIFO: return "a FIFO (named pipe), not a file"
        case S_IFCHR, S_IFBLK: return "a device, not a file"
        case S_IFSOCK: return "a socket, not a file"
        default: return "not a regular file"
        }
        return access(url.path, R_OK) == 0 ? nil : "not readable (permission denied)"
    }
}
