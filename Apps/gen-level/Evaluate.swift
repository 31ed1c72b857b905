// gen-level eval: the numbers of a set of levels beside the training levels', and their
// expressive range (Smith & Whitehead 2010): where the set lies on the linearity × leniency plane.
import Foundation
import GenEngine

/// What `eval` measures of one set of levels (means over its levels).
struct SetMetrics: Encodable {
    var levels: Int
    var playable: Double
    var linearity: Double, leniency: Double
    var density: Double, enemiesPerColumn: Double, gapsPerColumn: Double
    /// Share of the expressive-range grid's cells (10 × 10 over the plane both sets span) that
    /// the set's levels fall in.
    var expressiveRangeCoverage: Double
    /// Mean share of 8-column windows found in no reference level (nil for the reference).
    var novelty: Double?

    init(_ metrics: [LevelMetrics], cells: Set<Int>, novelty: Double?) {
        let n = Double(max(metrics.count, 1))
        func mean(_ f: (LevelMetrics) -> Double) -> Double { metrics.map(f).reduce(0, +) / n }
        levels = metrics.count
        playable = mean { $0.playable ? 1 : 0 }
        linearity = mean { $0.linearity ?? 0 }
        leniency = mean { $0.leniency ?? 0 }
        density = mean(\.density)
        enemiesPerColumn = mean(\.enemiesPerColumn)
        gapsPerColumn = mean { $0.gapsPerColumn ?? 0 }
        expressiveRangeCoverage = Double(cells.count) / Double(ExpressiveRange.bins * ExpressiveRange.bins)
        self.novelty = novelty
    }
}

/// The linearity × leniency plane, split into `bins` × `bins` cells over linearity 0…1 and the
/// leniency range of the levels drawn.
struct ExpressiveRange {
    static let bins = 10
    let lowLeniency: Double, highLeniency: Double

    init(_ all: [LevelMetrics]) {
        let values = all.map { $0.leniency ?? 0 }
        lowLeniency = values.min() ?? 0
        highLeniency = max(values.max() ?? 1, lowLeniency + 1e-9)
    }

    /// The cell (column + row · bins) of a level.
    func cell(_ m: LevelMetrics) -> Int {
        let bins = ExpressiveRange.bins
        let x = min(bins - 1, Int((m.linearity ?? 0) * Double(bins)))
        let y = min(bins - 1, Int(((m.leniency ?? 0) - lowLeniency) / (highLeniency - lowLeniency) * Double(bins)))
        return x + y * bins
    }

    /// A heat map of `levels` (darker: more levels in the cell) with the `reference` levels as red
    /// dots, linearity to the right and leniency upwards, 24 px a cell.
    func picture(levels: [LevelMetrics], reference: [LevelMetrics]) -> Image {
        let (bins, size, margin) = (ExpressiveRange.bins, 24, 22)
        var canvas = Canvas(width: margin + bins * size + 4, height: bins * size + margin + 10)
        var counts = [Int](repeating: 0, count: bins * bins)
        for m in levels { counts[cell(m)] += 1 }
        let most = max(counts.max() ?? 1, 1)
        for c in 0..<(bins * bins) where counts[c] > 0 {
            let shade = UInt8(230 - 200 * counts[c] / most)
            let (x, y) = (margin + (c % bins) * size, (bins - 1 - c / bins) * size)
            canvas.fill(x0: x, y0: y, x1: x + size, y1: y + size, (shade, shade, 255))
        }
        let ink: (UInt8, UInt8, UInt8) = (90, 90, 90)
        canvas.fill(x0: margin - 1, y0: 0, x1: margin, y1: bins * size, ink)
        canvas.fill(x0: margin - 1, y0: bins * size, x1: margin + bins * size, y1: bins * size + 1, ink)
        for m in reference {
            let (linearity, leniency) = (m.linearity ?? 0, m.leniency ?? 0)
            let x = margin + Int(linearity * Double(bins * size - 1))
            let y = bins * size - 1 - Int((leniency - lowLeniency) / (highLeniency - lowLeniency) * Double(bins * size - 1))
            canvas.fill(x0: x - 1, y0: y - 1, x1: x + 2, y1: y + 2, (214, 39, 40))
        }
        canvas.text("LINEARITY 0-1", x: margin, y: bins * size + 4, color: ink, scale: 1)
        canvas.text(String(format: "%.1f", highLeniency), x: 0, y: 0, color: ink, scale: 1)
        canvas.text(String(format: "%.1f", lowLeniency), x: 0, y: bins * size - 6, color: ink, scale: 1)
        canvas.text("LEN", x: 0, y: bins * size / 2, color: ink, scale: 1)
        return canvas.image
    }
}

/// The levels of files and folders (`*.txt` in a folder), read with the SMB legend.
func levels(in paths: [String]) throws -> [(name: String, level: Level)] {
    try paths.flatMap { path in
        DataFolder.isFolder(URL(fileURLWithPath: path))
            ? try readLevels(path, legend: Legend.smb) : [(path, try Level.read(contentsOf: path, legend: Legend.smb))]
    }
}

func evaluate(_ args: Arguments) throws {
    typealias O = EvalOptions
    guard !args.positionals.isEmpty else { throw CLIError.usage("give level files or folders to evaluate") }
    try ReportOutput.check([args[O.json], args[O.plot]], args)
    guard let referencePath = args[O.reference] ?? ShippedFile.locate(vglcLevels)?.path else {
        throw CLIError.usage("--reference DIR is required here (the training levels; \(vglcLevels) was not found)")
    }
    let set = try levels(in: args.positionals)
    let reference = try levels(in: [referencePath])
    guard !set.isEmpty else { throw CLIError.badData("no levels in \(args.positionals.joined(separator: ", "))") }
    func measure(_ levels: [(name: String, level: Level)]) -> [LevelMetrics] {
        levels.map { LevelMetrics($0.level, legend: Legend.smb, outcome: Legend.smb.play($0.level)) }
    }
    let (ours, theirs) = (measure(set), measure(reference))
    // Novelty: 8-column windows of each level that no reference level has.
    let seen = NoveltyReference(reference.map(\.level))
    let novelties = set.compactMap { seen.novelty(of: $0.level) }
    let range = ExpressiveRange(ours + theirs)
    let report = [
        "levels": SetMetrics(
            ours, cells: Set(ours.map(range.cell)), novelty: novelties.isEmpty ? nil : novelties.reduce(0, +) / Double(novelties.count)),
        "reference": SetMetrics(theirs, cells: Set(theirs.map(range.cell)), novelty: nil),
    ]
    func row(_ name: String, _ f: (SetMetrics) -> Double?) {
        let cells = ["levels", "reference"].map {
            report[$0].flatMap(f).map { String(format: "%10.3f", $0) } ?? String(repeating: " ", count: 9) + "—"
        }
        print(name.padding(toLength: 30, withPad: " ", startingAt: 0) + cells.joined(separator: " "))
    }
    print("".padding(toLength: 30, withPad: " ", startingAt: 0) + "    levels  reference")
    row("levels") { Double($0.levels) }
    row("playable") { $0.playable }
    row("linearity (0-1)") { $0.linearity }
    row("leniency (per 10 columns)") { $0.leniency }
    row("solid-tile density") { $0.density }
    row("enemies per column") { $0.enemiesPerColumn }
    row("gap columns per column") { $0.gapsPerColumn }
    row("expressive-range coverage") { $0.expressiveRangeCoverage }
    row("novelty (8-column windows)") { $0.novelty }
    if let plot = args[O.plot] { try PNG.write(range.picture(levels: ours, reference: theirs), to: URL(fileURLWithPath: plot)) }
    if let json = args[O.json] { try JSONOutput.write(report, to: URL(fileURLWithPath: json)) }
}
