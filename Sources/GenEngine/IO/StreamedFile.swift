import CKernels
import Foundation

/// An output written in pieces as it is produced that still appears whole or not at all, with
/// `AtomicFile`'s rules: `-` is standard output; a character device or FIFO is written directly;
/// a symbolic link's target is written; a regular file is written to a temporary file beside it
/// (`.<name>.tmp-<pid>`), flushed to disk (unless `durable` is false) and renamed over the
/// destination by `commit()`, so that an error or an interrupt never leaves a partial file (the
/// temporary file is removed by `discard()` or when the object goes away uncommitted). Writes are
/// buffered in 1 MiB pieces. Errors: `IOFailure.cannotCreate` (exit 73) naming the path.
public final class StreamedFile {
    /// The destination as given.
    public let path: String
    /// Whether the destination only changes at `commit()` (false for stdout, devices and FIFOs).
    public let isAtomic: Bool
    private let handle: FileHandle
    private let target: URL
    private let temp: URL?
    private let durable: Bool
    private var pending = Data()
    private var finished = false
    /// The temporary file's slot among those a signal removes (`gk_temp_register`).
    private var signalSlot: Int32 = -1

    /// Opens `url` for writing (`URL(fileURLWithPath: "-")` is standard output).
    public init(_ url: URL, durable: Bool = true) throws {
        path = url.relativePath == "-" ? "-" : url.path
        self.durable = durable
        if url.relativePath == "-" {
            (handle, target, temp, isAtomic) = (FileHandle.standardOutput, URL(fileURLWithPath: "/dev/stdout"), nil, false)
            return
        }
        // Names go to the system as bytes (`SystemPath`), so a name that is not UTF-8 works too.
        target = URL(fileURLWithPath: SystemPath.resolved(url.path))
        if SystemPath.isDeviceOrPipe(target.path) {
            let fd = SystemPath.with(target.path) { open($0, O_WRONLY | O_CLOEXEC) }
            guard fd >= 0 else { throw IOFailure.cannotCreate(path, reason: String(cString: strerror(errno))) }
            (handle, temp, isAtomic) = (FileHandle(fileDescriptor: fd, closeOnDealloc: true), nil, false)
            return
        }
        let dir = target.deletingLastPathComponent()
        // A missing folder is made, as `OutputOptionGroup.check` promised when it passed the path.
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tempURL = dir.appendingPathComponent(".\(target.lastPathComponent).tmp-\(getpid())")
        // Registered before it exists, so that no signal can come between its making and its
        // registration (unlinking a name not yet made is harmless: it carries this process's id).
        let slot = SystemPath.with(tempURL.path) { gk_temp_register($0) }
        // A new file: whatever sits at the temporary name (a stale file, a symlink) is removed, not followed.
        let fd = SystemPath.with(tempURL.path) { name in
            unlink(name)
            return open(name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        }
        guard fd >= 0 else {
            gk_temp_unregister(slot)
            throw IOFailure.cannotCreate(path, reason: "cannot create a file in \(dir.path)")
        }
        (handle, temp, isAtomic) = (FileHandle(fileDescriptor: fd, closeOnDealloc: true), tempURL, true)
        signalSlot = slot
    }

    deinit { discard() }

    /// Appends `data`.
    public func write(_ data: Data) throws {
        pending.append(data)
        if pending.count >= 1 << 20 { try flush() }
    }

    /// Appends `text` (UTF-8).
    public func write(_ text: String) throws { try write(Data(text.utf8)) }

    /// Writes what is buffered: a reader of standard output, a device or a FIFO sees it now (a
    /// regular file still changes only at `commit()`).
    public func flush() throws {
        guard !pending.isEmpty else { return }
        do { try handle.write(contentsOf: pending) } catch { throw IOFailure.cannotCreate(path, reason: error.localizedDescription) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and, for a regular file, flushes it to disk and renames it over
    /// the destination.
    public func commit() throws {
        try flush()
        finished = true
        guard let temp else { return }
        defer { gk_temp_unregister(signalSlot) }
        do {
            if durable { try handle.synchronize() }
            try handle.close()
        } catch {
            remove(temp)
            throw IOFailure.cannotCreate(path, reason: error.localizedDescription)
        }
        guard SystemPath.with(temp.path, { from in SystemPath.with(target.path) { rename(from, $0) } }) == 0 else {
            let reason = String(cString: strerror(errno))
            remove(temp)
            throw IOFailure.cannotCreate(path, reason: reason)
        }
    }

    /// Drops a regular file's temporary file (the destination is left as it was); idempotent.
    public func discard() {
        guard !finished else { return }
        finished = true
        guard let temp else { return }
        try? handle.close()
        remove(temp)
        gk_temp_unregister(signalSlot)
    }

    private func remove(_ file: URL) { _ = SystemPath.with(file.path) { unlink($0) } }
}
