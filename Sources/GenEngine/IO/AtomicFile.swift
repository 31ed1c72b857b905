import Foundation

/// Writes and reads files as Unix tools do. `-` (a URL made with `URL(fileURLWithPath: "-")`,
/// whose relative path is `-`) is standard output, or input. A character device or FIFO
/// (`/dev/null`, `/dev/stdout`, a named pipe) is written directly. A symbolic link's target is
/// written, and the link kept. A regular file is written atomically: the data goes to a temporary
/// file in the same folder, is flushed to disk, then renamed over the destination, so a crash
/// never leaves a partial file. `StreamedFile` writes the same way in pieces.
public enum AtomicFile {
    /// Writes `data` to `url`. Throws `IOFailure.cannotCreate` naming the path and the reason.
    /// `durable: false` skips the flush to disk: the file is still never seen half-written by a
    /// reader or after the process is killed, only a power loss may lose it (for tools that write
    /// thousands of small files and can redo them with `--resume`).
    public static func write(_ data: Data, to url: URL, durable: Bool = true) throws {
        let file = try StreamedFile(url, durable: durable)
        try file.write(data)
        try file.commit()
    }

    /// Reads a whole file, or standard input for `-`.
    public static func read(_ url: URL) throws -> Data {
        if url.relativePath == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        let fd = SystemPath.with(url.path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else {
            if errno == ENOENT { throw IOFailure.missing(url.path) }
            throw IOFailure.unreadable(url.path, reason: String(cString: strerror(errno)))
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var info = stat()
        if fstat(fd, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR {
            throw IOFailure.unreadable(url.path, reason: "it is a folder; give a file")
        }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw IOFailure.unreadable(url.path, reason: error.localizedDescription)
        }
    }
}

/// File-system failures: exit codes 66 (missing), 74 (unreadable) and 73 (cannot write, or the
/// output exists and was not replaced).
public enum IOFailure: UserFacingError {
    case missing(String)
    case unreadable(String, reason: String)
    case cannotCreate(String, reason: String)
    case exists(String)

    public var description: String {
        switch self {
        case .missing(let p): return "\(SystemPath.escaped(p)): no such file or folder"
        case .unreadable(let p, let r): return "\(SystemPath.escaped(p)): cannot read (\(r))"
        case .cannotCreate(let p, let r): return "\(SystemPath.escaped(p)): cannot write (\(SystemPath.escaped(r)))"
        case .exists(let p): return "\(SystemPath.escaped(p)) already exists and was not replaced"
        }
    }

    public var exitCode: ExitCode {
        switch self {
        case .missing: return .noInput
        case .unreadable: return .ioError
        case .cannotCreate, .exists: return .cannotCreate
        }
    }

    public var cliHint: String? {
        if case .exists = self { return "pass --force to replace it" }
        return nil
    }
}
