import Foundation
import XCTest

@testable import GenEngine

final class TrainerTests: XCTestCase {
    final class Net: Module {
        let l1: Linear, drop: Dropout, l2: Linear
        override init() {
            var rng = RNG(seed: 11)
            l1 = Linear(3, 16, rng: &rng)
            drop = Dropout(0.2, rng: RNG(seed: 0))
            l2 = Linear(16, 1, rng: &rng)
        }
        func callAsFunction(_ x: Tensor) -> Tensor { l2(drop(l1(x).tanh())) }
    }

    /// y = sin(x0) + x1·x2, batches drawn from the step's generator.
    static func loss(_ m: Net, _ rng: inout RNG) -> Tensor {
        let x = Tensor.uniform([16, 3], low: -1, high: 1, rng: &rng)
        let s = x.scalars
        let y = Tensor((0..<16).map { Foundation.sin(s[$0 * 3]) + s[$0 * 3 + 1] * s[$0 * 3 + 2] }, shape: [16, 1])
        return meanSquaredError(m(x), y)
    }

    static func validation(_ m: Net) -> Double {
        var rng = RNG(seed: 99)
        return Double(loss(m, &rng).item)
    }

    func makeTrainer(_ folder: URL, interruptAt: Int? = nil) -> Trainer<Net> {
        let config = TrainerConfig(steps: 40, learningRate: 0.01, warmupSteps: 5, evalEvery: 10, checkpointEvery: 15, seed: 3)
        var calls = 0
        let trainer = Trainer(
            model: Net(), optimizer: Adam.adamW(learningRate: 0.01), config: config, folder: folder,
            loss: { m, rng, _ in
                calls += 1
                if calls == interruptAt { raise(SIGINT) }
                return Self.loss(m, &rng)
            }, validate: Self.validation)
        trainer.quiet = true
        return trainer
    }

    func testResumeAfterInterruptMatchesUninterruptedRun() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let whole = makeTrainer(dir.appendingPathComponent("a"))
        let summary = try whole.run()
        XCTAssertEqual(summary.steps, 40)
        XCTAssertLessThan(summary.bestValidationLoss!, TrainerTests.validation(Net()))

        let interrupted = makeTrainer(dir.appendingPathComponent("b"), interruptAt: 17)
        XCTAssertThrowsError(try interrupted.run()) { error in
            XCTAssertEqual((error as? TrainingInterrupted)?.step, 17)
            XCTAssertEqual(CLIError(from: error).code, .interrupted)  // exit 130
        }
        let resumed = makeTrainer(dir.appendingPathComponent("b"))
        try resumed.run(resume: true)
        let a = whole.model.stateDict().flatMap { $0.1.scalars }
        let b = resumed.model.stateDict().flatMap { $0.1.scalars }
        XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern), "resumed run differs from the uninterrupted one")

        // metrics.jsonl has one line per step and curve.png is a real PNG.
        let lines = try String(contentsOf: dir.appendingPathComponent("b/metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 40)
        XCTAssertTrue(lines[9].contains("validationLoss"))
        let curve = try PNG.read(dir.appendingPathComponent("b/curve.png"))
        if let keep = ProcessInfo.processInfo.environment["GEN_KEEP_CURVE"] {
            try? FileManager.default.copyItem(at: dir.appendingPathComponent("b/curve.png"), to: URL(fileURLWithPath: keep))
        }
        XCTAssertEqual(curve.width, 720)
        XCTAssertThrowsError(try makeTrainer(dir.appendingPathComponent("c")).run(resume: true)) { error in
            XCTAssertEqual(CLIError(from: error).code, .noInput)
        }
    }

    func testEarlyStoppingStopsWhenValidationStalls() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = TrainerConfig(steps: 200, learningRate: 0.01, evalEvery: 5, patience: 2, seed: 1)
        var evaluations = 0
        // A validation metric that stops improving after the third evaluation.
        let trainer = Trainer(
            model: Net(), optimizer: SGD(learningRate: 0.01), config: config, folder: dir,
            loss: { m, rng, _ in Self.loss(m, &rng) },
            validate: { _ in
                evaluations += 1
                return evaluations <= 3 ? Double(10 - evaluations) : 100
            })
        trainer.quiet = true
        let summary = try trainer.run()
        XCTAssertTrue(summary.stoppedEarly)
        XCTAssertEqual(summary.steps, 25)
        XCTAssertEqual(summary.bestValidationLoss, 7)
    }
}

final class BatchesTests: XCTestCase {
    func testSplitAndShuffledBatchesCoverEveryExampleOncePerEpoch() {
        let (train, validation) = trainValidationSplit(count: 100, validationFraction: 0.1, seed: 4)
        XCTAssertEqual(validation.count, 10)
        XCTAssertEqual(Set(train + validation), Set(0..<100))
        let batches = ShuffledBatches(examples: train, batchSize: 30, seed: 1)
        XCTAssertEqual(batches.batchesPerEpoch, 3)
        let epoch0 = (0..<3).flatMap { batches.batch($0) }
        XCTAssertEqual(Set(epoch0).count, 90)
        XCTAssertTrue(Set(epoch0).isSubset(of: Set(train)))
        XCTAssertNotEqual(batches.batch(0), batches.batch(3))  // a new order in the next epoch
        XCTAssertEqual(batches.batch(4), ShuffledBatches(examples: train, batchSize: 30, seed: 1).batch(4))
    }
}
