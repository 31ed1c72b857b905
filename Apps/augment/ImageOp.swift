// What a pipeline op is: it draws its parameters, changes a sample, and records what it did.
import GenEngine

/// An image with its boxes and its label as it moves through a pipeline. `label` holds class
/// weights summing to 1 (one class at weight 1 unless mixup or cutmix blended two); empty when
/// the image has no class.
struct Sample {
    var image: Image
    var boxes: [Box] = []
    var label: [(name: String, weight: Double)] = []
}

/// What an op may need besides its sample: the box rules, and for mixup and cutmix a second
/// sample drawn from the dataset.
struct OpContext {
    var boxRules = BoxRules()
    /// A random other sample of the dataset and its path (nil when there is no dataset, as in a
    /// preview of one image).
    var partner: ((inout RNG) throws -> (sample: Sample, path: String))?
}

/// One pipeline op with its parameter ranges as the spec gave them.
protocol ImageOp {
    /// The op's name in specs and manifests.
    var name: String { get }
    /// Draws this op's parameters from `rng`, applies them to `sample`, and returns the drawn
    /// parameters (rounded as `ManifestValue.rounded`, the values applied) for the manifest.
    func apply(_ sample: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field]
}

extension RNG {
    /// A uniform draw from `range` (its lower end for an empty range), rounded to the manifest's
    /// precision.
    mutating func uniform(in range: ClosedRange<Double>) -> Double {
        ManifestValue.rounded(range.lowerBound + (range.upperBound - range.lowerBound) * Double(uniform()))
    }

    /// A uniform whole number in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + int(below: range.count) }
}

extension Sample {
    /// Moves the image and its boxes by `map` onto a `width` × `height` canvas.
    mutating func warp(
        _ map: AffineMap, width: Int, height: Int, border: BorderMode = .constant, fill: [UInt8]? = nil,
        interpolation: Interpolation = .bilinear, rules: BoxRules
    ) {
        image = image.warped(map, width: width, height: height, border: border, fill: fill, interpolation: interpolation)
        if !boxes.isEmpty { boxes = rules.moved(boxes, by: map, width: width, height: height) }
    }
}
