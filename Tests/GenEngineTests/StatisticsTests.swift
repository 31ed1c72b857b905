import Foundation
import XCTest

@testable import GenEngine

final class StatisticsTests: XCTestCase {
    func testHistogramsOverBinsAndCategories() {
        // Bins [0, 0.5) and [0.5, 1]; 1.5, -0.1 and NaN fall outside.
        XCTAssertEqual(Statistics.histogram([0, 0.1, 0.5, 0.99, 1.0, 1.5, -0.1, .nan], bins: 2, range: 0...1), [0.4, 0.6])
        XCTAssertEqual(Statistics.histogram([0.2, 0.7], bins: 2, range: 0...1, weights: [3, 1]), [0.75, 0.25])
        XCTAssertEqual(Statistics.histogram([5.0], bins: 3, range: 0...1), [0, 0, 0])
        XCTAssertEqual(Statistics.histogram([1, 2, 2, 5, 7], categories: [1, 2, 3], other: true), [0.2, 0.4, 0, 0.4])
        XCTAssertEqual(Statistics.histogram([1, 2, 2, 5, 7], categories: [1, 2, 3]), [1.0 / 3, 2.0 / 3, 0])
        let sorted = Statistics.histogram(["b", "a", "b", "c"])
        XCTAssertEqual(sorted.map(\.key), ["a", "b", "c"])
        XCTAssertEqual(sorted.map(\.probability), [0.25, 0.5, 0.25])
        XCTAssertEqual(Statistics.normalised([0, 0]), [0, 0])
    }

    func testTotalVariationDistance() {
        // ½ (|0.5 − 0.2| + 0 + |0.2 − 0.5|) = 0.3
        XCTAssertEqual(Statistics.totalVariation([0.5, 0.3, 0.2], [0.2, 0.3, 0.5]), 0.3, accuracy: 1e-15)
        XCTAssertEqual(Statistics.totalVariation([1, 0], [0, 1]), 1)
        XCTAssertEqual(Statistics.totalVariation([0.25, 0.75], [0.25, 0.75]), 0)
    }

    func testEntropy() {
        for n in [1, 2, 4, 10] {
            XCTAssertEqual(Statistics.entropy([Double](repeating: 1, count: n)), log(Double(n)), accuracy: 1e-12, "uniform over \(n)")
        }
        XCTAssertEqual(Statistics.entropy([0.25, 0.25, 0.25, 0.25], unit: .bits), 2)
        XCTAssertEqual(Statistics.entropy([3, 0, 0]), 0)
        XCTAssertEqual(Statistics.entropy([]), 0)
        // −(½ ln ½ + ¼ ln ¼ + ¼ ln ¼) = 1.5 ln 2, from unnormalised weights.
        XCTAssertEqual(Statistics.entropy([2, 1, 1]), 1.5 * log(2.0), accuracy: 1e-12)
    }

    func testPearsonCorrelation() {
        XCTAssertEqual(Statistics.pearson([1, 2, 3, 4], [3, 5, 7, 9]), 1, accuracy: 1e-12)
        XCTAssertEqual(Statistics.pearson([1, 2, 3, 4], [9, 7, 5, 3]), -1, accuracy: 1e-12)
        // Deviations (−1, 0, 1) and (−1, 1, 0): 1 / √(2 · 2) = 0.5.
        XCTAssertEqual(Statistics.pearson([1, 2, 3], [1, 3, 2]), 0.5, accuracy: 1e-12)
        XCTAssertEqual(Statistics.pearson([1, 2, 3], [4, 4, 4]), 0)
    }

    func testKolmogorovSmirnovStatistic() {
        // F_a − F_b at 1, 2, 3, 4: 1/4, 2/4, 3/4 − 1/6, 1 − 2/6 = 2/3 (scipy.stats.ks_2samp: 0.6667).
        XCTAssertEqual(Statistics.kolmogorovSmirnov([4, 1, 3, 2], [3, 4, 5, 6, 7, 8]), 2.0 / 3, accuracy: 1e-15)
        // Ties step both samples together: at 1, 2/3 − 1/3; at 2, 1 − 1.
        XCTAssertEqual(Statistics.kolmogorovSmirnov([1, 1, 2], [1, 2, 2]), 1.0 / 3, accuracy: 1e-15)
        XCTAssertEqual(Statistics.kolmogorovSmirnov([1, 2], [3, 4]), 1)
        XCTAssertEqual(Statistics.kolmogorovSmirnov([5, 1, 3], [3, 5, 1]), 0)
    }
}
