// The images of an input folder: class folders, PNG files, and their YOLO label files.
import Foundation
import GenEngine

/// One input image: its path relative to the input folder (with `/`), its class (the first
/// folder of that path, for class-folder datasets), and where its YOLO labels would be.
struct ImageEntry {
    let relative: String
    let label: String?
    let url: URL

    /// Whether the YOLO labels are in Ultralytics' parallel `labels/` folder rather than beside.
    var hasParallelLabels: Bool { yoloURL != url.deletingPathExtension().appendingPathExtension("txt") }

    /// The YOLO label file: `name.txt` beside the image, or Ultralytics' layout, the same
    /// relative place under a `labels` folder parallel to the last `images` folder.
    var yoloURL: URL {
        let beside = url.deletingPathExtension().appendingPathExtension("txt")
        if SystemPath.exists(beside.path).exists { return beside }
        let path = beside.path
        if let r = path.range(of: "/images/", options: .backwards) {
            return URL(fileURLWithPath: path.replacingCharacters(in: r, with: "/labels/"))
        }
        return beside
    }
}

enum ImageFolder {
    /// Image extensions that are recognised but not read (only PNG is, through libpng).
    static let otherImageExtensions: Set<String> = ["jpg", "jpeg", "bmp", "gif", "webp", "tif", "tiff"]

    /// Every PNG under `root` in path order (each folder's names sorted), and the entries that
    /// cannot be used with the reason (other image formats, unreadable files). Labels: the first
    /// folder of the relative path when `classFolders`, else none. Throws `IOFailure` when `root`
    /// is missing or not a folder.
    static func list(_ root: URL, classFolders: Bool) throws -> (images: [ImageEntry], bad: [(path: String, reason: String)]) {
        guard DataFolder.isFolder(root) else {
            if SystemPath.exists(root.path).exists {
                throw CLIError(root.path + " is a file; --in takes a folder of images", code: .usage)
            }
            throw IOFailure.missing(root.path)
        }
        var images: [ImageEntry] = []
        var bad: [(path: String, reason: String)] = []
        func walk(_ folder: URL, _ prefix: [String]) throws {
            for name in try DataFolder.entries(folder) {
                let url = folder.appendingPathComponent(name)
                let parts = prefix + [name]
                if DataFolder.isFolder(url) {
                    try walk(url, parts)
                    continue
                }
                let ext = url.pathExtension.lowercased()
                let relative = parts.joined(separator: "/")
                if ext == "png" {
                    if let problem = DataFolder.problem(url) {
                        bad.append((relative, problem))
                    } else {
                        images.append(ImageEntry(relative: relative, label: classFolders && parts.count > 1 ? parts[0] : nil, url: url))
                    }
                } else if otherImageExtensions.contains(ext) {
                    bad.append((relative, "a .\(ext) file; augment reads PNG only (convert with e.g. `mogrify -format png`)"))
                }
            }
        }
        try walk(root, [])
        return (images, bad)
    }

    /// `relative` with `__aug<copy>` before its extension: `cat/a.png` → `cat/a__aug3.png`.
    static func outputName(_ relative: String, copy: Int) -> String {
        let url = URL(fileURLWithPath: relative)
        let stem = (relative as NSString).deletingPathExtension
        return "\(stem)__aug\(copy).\(url.pathExtension)"
    }

    /// Whether `inner` is `outer` or inside it, after resolving symbolic links.
    static func contains(_ outer: URL, _ inner: URL) -> Bool {
        let o = outer.standardizedFileURL.resolvingSymlinksInPath().path
        let i = inner.standardizedFileURL.resolvingSymlinksInPath().path
        return i == o || i.hasPrefix(o.hasSuffix("/") ? o : o + "/")
    }
}
