// Bounding boxes: YOLO label files, and how boxes follow the geometric ops.
import Foundation
import GenEngine

/// One object's box in pixels, `[x1, y1, x2, y2]` (Pascal VOC corners in continuous
/// coordinates, 0…width × 0…height), and its class as the label file wrote it.
struct Box: Equatable {
    var x1: Double, y1: Double, x2: Double, y2: Double
    var label: String

    var area: Double { max(0, x2 - x1) * max(0, y2 - y1) }
}

/// What happens to boxes that a geometric op moves partly or wholly outside the image, as
/// albumentations' `BboxParams(min_visibility=, min_area=)`: each is clipped to the image, and
/// dropped when its clipped area is under `minArea` pixels or under `minVisibility` of its area
/// before clipping (so a box that leaves the image is always dropped).
struct BoxRules: Equatable {
    var minVisibility = 0.0
    var minArea = 0.0

    /// `boxes` moved by `map` onto a `width` × `height` image: each becomes the tight box of its
    /// four moved corners (albumentations' default for rotations), then is clipped and filtered.
    func moved(_ boxes: [Box], by map: AffineMap, width: Int, height: Int) -> [Box] {
        boxes.compactMap { box in
            let corners = [map.apply(box.x1, box.y1), map.apply(box.x2, box.y1), map.apply(box.x1, box.y2), map.apply(box.x2, box.y2)]
            let moved = Box(
                x1: corners.map(\.x).min()!, y1: corners.map(\.y).min()!, x2: corners.map(\.x).max()!, y2: corners.map(\.y).max()!,
                label: box.label)
            return kept(moved, width: width, height: height)
        }
    }

    /// `box` clipped to the image, or nil when the rules drop it.
    func kept(_ box: Box, width: Int, height: Int) -> Box? {
        kept(box, within: (0, 0, Double(width), Double(height)))
    }

    /// `box` clipped to the region `[x1, x2] × [y1, y2]` (a pasted patch, say), or nil when the
    /// rules drop it.
    func kept(_ box: Box, within r: (x1: Double, y1: Double, x2: Double, y2: Double)) -> Box? {
        let clipped = Box(
            x1: min(max(box.x1, r.x1), r.x2), y1: min(max(box.y1, r.y1), r.y2),
            x2: min(max(box.x2, r.x1), r.x2), y2: min(max(box.y2, r.y1), r.y2), label: box.label)
        let area = clipped.area
        guard area > 0, area >= minArea, box.area > 0, area / box.area >= minVisibility else { return nil }
        return clipped
    }
}

/// Errors of a label file: the file, the line, what is wrong.
struct BoxFileError: UserFacingError {
    let path: String, line: Int, message: String
    var description: String { "\(path): line \(line): \(message)" }
    var exitCode: ExitCode { .dataError }
}

/// YOLO (Darknet, Ultralytics) label files: one `class cx cy w h` line per object, the centre
/// and size normalised by the image's width and height.
enum YOLOLabels {
    /// The boxes of `text` for a `width` × `height` image. Blank lines are skipped; values up to
    /// 0.001 outside 0…1 (rounding in the tool that wrote them) are clipped. Throws `BoxFileError`
    /// for a line that is not five numbers (a segmentation polygon, say), a value or a box further
    /// outside the image, or a box of zero area.
    static func read(_ text: String, path: String, width: Int, height: Int) throws -> [Box] {
        var boxes: [Box] = []
        // Lines end in LF or CRLF (Swift reads "\r\n" as one character, so split on any newline).
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count == 5 else {
                throw BoxFileError(
                    path: path, line: i + 1,
                    message: "expected 'class cx cy w h' (5 fields), found \(fields.count); segmentation polygons are not supported")
            }
            let v = fields.dropFirst().map { Double($0) }
            guard v.allSatisfy({ $0 != nil && $0!.isFinite }) else {
                throw BoxFileError(path: path, line: i + 1, message: "a coordinate is not a number")
            }
            let (cx, cy, w, h) = (v[0]!, v[1]!, v[2]!, v[3]!)
            let slack = 1e-3
            guard [cx, cy, w, h].allSatisfy({ (-slack...(1 + slack)).contains($0) }) else {
                throw BoxFileError(path: path, line: i + 1, message: "YOLO coordinates are normalised to 0…1; found \(raw)")
            }
            guard w > 0, h > 0 else { throw BoxFileError(path: path, line: i + 1, message: "the box has zero area") }
            guard cx - w / 2 >= -slack, cy - h / 2 >= -slack, cx + w / 2 <= 1 + slack, cy + h / 2 <= 1 + slack else {
                throw BoxFileError(path: path, line: i + 1, message: "the box reaches outside the image (\(raw)); fix or clip the label")
            }
            let (W, H) = (Double(width), Double(height))
            boxes.append(
                Box(
                    x1: max(0, (cx - w / 2) * W), y1: max(0, (cy - h / 2) * H), x2: min(W, (cx + w / 2) * W), y2: min(H, (cy + h / 2) * H),
                    label: String(fields[0])))
        }
        return boxes
    }

    /// The label file of `boxes` on a `width` × `height` image, six decimals as Ultralytics writes.
    static func write(_ boxes: [Box], width: Int, height: Int) -> String {
        let (W, H) = (Double(width), Double(height))
        return boxes.map { b in
            let fields = [(b.x1 + b.x2) / 2 / W, (b.y1 + b.y2) / 2 / H, (b.x2 - b.x1) / W, (b.y2 - b.y1) / H]
            return ([b.label] + fields.map { String(format: "%.6f", $0) }).joined(separator: " ") + "\n"
        }.joined()
    }
}
