import Foundation

/// Files that ship with GenSuite (models under `SharedModels/`, sample data under `samples/`),
/// found wherever the tools run from.
public enum ShippedFile {
    /// Folders a checkout's `relative` path may be under: the working directory and up to four
    /// folders above it, then the executable's folder and up to four above it (a source checkout
    /// run from anywhere inside it, or a build folder inside it).
    static var checkoutRoots: [URL] {
        var roots: [URL] = []
        for start in [URL(fileURLWithPath: FileManager.default.currentDirectoryPath), CLI.executableFolder] {
            var dir = start
            for _ in 0..<5 {
                roots.append(dir)
                dir = dir.deletingLastPathComponent()
            }
        }
        return roots
    }

    /// `<prefix>/share/gensuite` beside an installed executable (`<prefix>/bin`), as
    /// `make install PREFIX=…` lays it out.
    static var installedRoot: URL {
        CLI.executableFolder.deletingLastPathComponent().appendingPathComponent("share/gensuite")
    }

    /// The first existing `relative` (e.g. `samples/data/shakespeare/shakespeare_1mb.txt.gz`)
    /// under `checkoutRoots`, then under `installedRoot`; nil when there is none.
    public static func locate(_ relative: String) -> URL? {
        (checkoutRoots + [installedRoot]).map { $0.appendingPathComponent(relative) }.first {
            FileManager.default.fileExists(atPath: $0.path)
        }
    }
}
