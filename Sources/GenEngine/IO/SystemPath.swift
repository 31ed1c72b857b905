import Foundation

/// File names as the file system holds them: bytes, which need not be UTF-8 (a Latin-1 name from
/// an old zip archive). A name is kept in a `String` losslessly: its valid UTF-8 decoded, and
/// each byte that is not part of valid UTF-8 carried as one private-use scalar, U+10FF80 to
/// U+10FFFF for bytes 0x80 to 0xFF (Python's `surrogateescape` idea; Swift strings cannot hold
/// lone surrogates). Such strings pass through `URL` unchanged; the engine's file calls
/// (`AtomicFile`, `StreamedFile`, `DataFolder`) turn them back into the original bytes, and
/// messages show those bytes escaped (`caf\xE9.png`).
public enum SystemPath {
    private static let base: UInt32 = 0x10_FF00

    /// The string for a name's bytes (without a terminating NUL).
    public static func string(fromBytes bytes: some Collection<UInt8>) -> String {
        let bytes = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            // A valid scalar in the escape range is escaped byte by byte, so it round-trips too.
            if let (scalar, length) = decodeUTF8(bytes, at: i), !isEscape(scalar) {
                scalars.append(scalar)
                i += length
            } else {
                scalars.append(Unicode.Scalar(base + UInt32(bytes[i]))!)
                i += 1
            }
        }
        return String(scalars)
    }

    private static func isEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= base + 0x80 && scalar.value <= base + 0xFF
    }

    /// The bytes the file system knows `path` by, NUL-terminated.
    public static func bytes(_ path: String) -> [CChar] {
        var out: [CChar] = []
        out.reserveCapacity(path.utf8.count + 1)
        for scalar in path.unicodeScalars {
            if isEscape(scalar) {
                out.append(CChar(bitPattern: UInt8(scalar.value - base)))
            } else {
                out.append(contentsOf: String(scalar).utf8.map { CChar(bitPattern: $0) })
            }
        }
        out.append(0)
        return out
    }

    /// Calls `body` with `path` as the file system's NUL-terminated bytes.
    public static func with<R>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try bytes(path).withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// `path` for messages: the bytes that are not UTF-8 as `\xHH`.
    public static func escaped(_ path: String) -> String {
        var out = ""
        for scalar in path.unicodeScalars {
            if isEscape(scalar) {
                out += String(format: "\\x%02X", scalar.value - base)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether something exists at `path` (following symbolic links), and whether it is a folder.
    public static func exists(_ path: String) -> (exists: Bool, isFolder: Bool) {
        var info = stat()
        guard with(path, { stat($0, &info) }) == 0 else { return (false, false) }
        return (true, info.st_mode & S_IFMT == S_IFDIR)
    }

    /// Whether `path` (a link: its target) is a character device or a FIFO (`/dev/null`,
    /// `/dev/stdout`, a named pipe): an output written as it is (`StreamedFile`), never replaced,
    /// and fine to name for more than one output.
    public static func isDeviceOrPipe(_ path: String) -> Bool {
        var info = stat()
        guard with(path, { stat($0, &info) }) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type == S_IFCHR || type == S_IFIFO
    }

    /// Creates the folder `path` and any missing parents (as `mkdir -p`). Throws
    /// `IOFailure.cannotCreate` with the system's reason.
    public static func createFolder(_ path: String) throws {
        if exists(path).isFolder { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try createFolder(parent) }
        if with(path, { mkdir($0, 0o777) }) != 0 && errno != EEXIST {
            throw IOFailure.cannotCreate(path, reason: "cannot create the folder (\(String(cString: strerror(errno))))")
        }
    }

    /// `path` with symbolic links resolved: the whole path when it exists; a dangling link's
    /// target (as `cat > link` writes it), up to 40 links deep; else its folder's real path.
    static func resolved(_ path: String, depth: Int = 0) -> String {
        func real(_ p: String) -> String? {
            guard let r = with(p, { realpath($0, nil) }) else { return nil }
            defer { free(r) }
            return string(fromBytes: UnsafeRawBufferPointer(start: r, count: strlen(r)).bindMemory(to: UInt8.self))
        }
        if let whole = real(path) { return whole }
        let folder = (path as NSString).deletingLastPathComponent
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = with(path) { readlink($0, &buffer, buffer.count - 1) }
        if length > 0 && depth < 40 {
            let target = string(fromBytes: buffer.prefix(length).map { UInt8(bitPattern: $0) })
            return resolved(target.hasPrefix("/") ? target : (folder as NSString).appendingPathComponent(target), depth: depth + 1)
        }
        guard let dir = real(folder.isEmpty ? "." : folder) else { return path }
        return (dir as NSString).appendingPathComponent((path as NSString).lastPathComponent)
    }

    /// The scalar of the valid UTF-8 sequence at `i` and its length (RFC 3629: no overlong
    /// forms, no surrogates, nothing above U+10FFFF), or nil.
    private static func decodeUTF8(_ b: [UInt8], at i: Int) -> (Unicode.Scalar, Int)? {
        let lead = b[i]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let (length, minimum): (Int, UInt32) =
            lead & 0xE0 == 0xC0 ? (2, 0x80) : lead & 0xF0 == 0xE0 ? (3, 0x800) : lead & 0xF8 == 0xF0 ? (4, 0x10000) : (0, 0)
        guard length > 0, i + length <= b.count else { return nil }
        var value = UInt32(lead) & (0x7F >> UInt32(length))
        for k in 1..<length {
            guard b[i + k] & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(b[i + k] & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }
}
