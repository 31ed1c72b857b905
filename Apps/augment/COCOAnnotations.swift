// COCO detection files: the boxes of every image in, one annotations file out.
import Foundation
import GenEngine

/// The boxes of a COCO object-detection file (`images`, `annotations` with `bbox` =
/// `[x, y, width, height]` in pixels, `categories`), by image file name. A box's label is its
/// `category_id`. Segmentations are not moved (a box per object is what is written).
struct COCOAnnotations {
    /// The input's `categories`, written back unchanged.
    var categories: ManifestValue
    private var byName: [String: [Box]] = [:]
    private var byBaseName: [String: [Box]?] = [:]

    /// Reads `url`. Throws `CLIError.badData` naming the file and the annotation (by its `id`)
    /// for a file that is not COCO, a bbox that is not four numbers, has no area, lies outside
    /// its image, or refers to an image that is not listed.
    init(_ url: URL) throws {
        let source = url.path
        let data = try AtomicFile.read(url)
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let images = root["images"] as? [[String: Any]],
            let annotations = root["annotations"] as? [[String: Any]]
        else { throw CLIError.badData("\(source): not a COCO file (an object with \"images\" and \"annotations\" lists)") }
        categories = Self.value(root["categories"] ?? [Any]())
        var files: [Int: (name: String, width: Double?, height: Double?)] = [:]
        for image in images {
            guard let id = (image["id"] as? NSNumber)?.intValue, let name = image["file_name"] as? String else {
                throw CLIError.badData("\(source): an image entry lacks \"id\" or \"file_name\"")
            }
            files[id] = (name, (image["width"] as? NSNumber)?.doubleValue, (image["height"] as? NSNumber)?.doubleValue)
            byName[name] = byName[name] ?? []
        }
        for a in annotations {
            let place = "\(source): annotation \((a["id"] as? NSNumber)?.stringValue ?? "without id")"
            guard let imageID = (a["image_id"] as? NSNumber)?.intValue, let file = files[imageID] else {
                throw CLIError.badData("\(place): its image_id is not among the images")
            }
            guard let bbox = a["bbox"] as? [NSNumber], bbox.count == 4 else {
                throw CLIError.badData("\(place): bbox is not [x, y, width, height]")
            }
            let (x, y, w, h) = (bbox[0].doubleValue, bbox[1].doubleValue, bbox[2].doubleValue, bbox[3].doubleValue)
            guard [x, y, w, h].allSatisfy(\.isFinite), w > 0, h > 0 else {
                throw CLIError.badData("\(place): the box has no area (\(bbox))")
            }
            if let imageWidth = file.width, let imageHeight = file.height,
                x < -0.5 || y < -0.5 || x + w > imageWidth + 0.5 || y + h > imageHeight + 0.5
            {
                throw CLIError.badData("\(place): the box \(bbox) reaches outside its \(Int(imageWidth))x\(Int(imageHeight)) image")
            }
            let label = (a["category_id"] as? NSNumber)?.stringValue ?? "0"
            byName[file.name, default: []].append(Box(x1: max(0, x), y1: max(0, y), x2: x + w, y2: y + h, label: label))
        }
        for (name, boxes) in byName {
            let base = (name as NSString).lastPathComponent
            byBaseName[base] = byBaseName[base] == nil ? boxes : .some(nil)
        }
    }

    /// The boxes of the image at `relative` (its path under the input folder), matched by the
    /// whole path or, when unique, by its file name; nil when the file lists no such image.
    func boxes(_ relative: String) -> [Box]? {
        if let b = byName[relative] { return b }
        return byBaseName[(relative as NSString).lastPathComponent] ?? nil
    }

    /// A JSON value from JSONSerialization's objects, keys sorted.
    static func value(_ v: Any) -> ManifestValue {
        switch v {
        case let s as String: return .string(s)
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
            return n.doubleValue == n.doubleValue.rounded() && abs(n.doubleValue) < 1e15 ? .int(n.intValue) : .number(n.doubleValue)
        case let a as [Any]: return .array(a.map(value))
        case let o as [String: Any]: return .object(o.keys.sorted().map { .init($0, value(o[$0]!)) })
        default: return .null
        }
    }

    /// The image entry and annotations (without their `id`, which the file numbers) of one output.
    static func records(imageID: Int, fileName: String, width: Int, height: Int, boxes: [Box]) -> (image: String, annotations: [String]) {
        let image = ManifestValue.object([
            .init("id", .int(imageID)), .init("file_name", .string(fileName)), .init("width", .int(width)), .init("height", .int(height)),
        ])
        let annotations = boxes.map { b -> String in
            let (w, h) = (ManifestValue.rounded(b.x2 - b.x1), ManifestValue.rounded(b.y2 - b.y1))
            let category: ManifestValue = Int(b.label).map { .int($0) } ?? .string(b.label)
            return ManifestValue.object([
                .init("image_id", .int(imageID)), .init("category_id", category),
                .init("bbox", .array([ManifestValue.rounded(b.x1), ManifestValue.rounded(b.y1), w, h].map { .number($0) })),
                .init("area", .number(ManifestValue.rounded(w * h))), .init("iscrowd", .int(0)),
            ]).json
        }
        return (image.json, annotations)
    }

    /// The annotations file: one image or annotation per line, annotations numbered from 1 in
    /// order, so that shards' files join line by line (`merge`).
    static func file(categories: ManifestValue, images: [String], annotations: [String]) -> Data {
        layout(categories.json, images, annotations)
    }

    private static func layout(_ categories: String, _ images: [String], _ annotations: [String]) -> Data {
        let numbered = annotations.enumerated().map { "{\"id\":\($0 + 1)," + $1.dropFirst() }
        let text =
            "{\"categories\":\(categories),\"images\":[\n" + images.joined(separator: ",\n") + "\n],\"annotations\":[\n"
            + numbered.joined(separator: ",\n") + "\n]}\n"
        return Data(text.utf8)
    }

    /// Joins the annotation files of shards 0…N−1 (in order) into the one a whole run writes:
    /// images as they are, annotations renumbered from 1. Throws `CLIError.badData` for a file
    /// not written by augment.
    static func merge(_ files: [(path: String, data: Data)]) throws -> Data {
        var categories = "[]"
        var images: [String] = []
        var annotations: [String] = []
        for (path, data) in files {
            let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
            guard let first = lines.first, first.hasPrefix("{\"categories\":"), first.hasSuffix(",\"images\":["),
                let split = lines.firstIndex(of: "],\"annotations\":["), lines.last == "]}"
            else { throw CLIError.badData("\(path): not an annotations file written by augment images") }
            categories = String(first.dropFirst("{\"categories\":".count).dropLast(",\"images\":[".count))
            let strip = { (line: String) in line.hasSuffix(",") ? String(line.dropLast()) : line }
            images += lines[1..<split].map(strip)
            annotations += lines[(split + 1)..<(lines.count - 1)].map(strip).map { line in
                guard let comma = line.firstIndex(of: ",") else { return line }
                return "{" + line[line.index(after: comma)...]
            }
        }
        return layout(categories, images, annotations)
    }
}
