import Foundation

/// A 64-byte-aligned buffer of Float32, shared between `Tensor` values and copied on write.
final class TensorStorage {
    /// Number of Float32 elements.
    let count: Int
    let pointer: UnsafeMutablePointer<Float>

    /// Uninitialised storage for `count` floats; callers fill every element.
    init(uninitialized count: Int) {
        precondition(count >= 0, "negative tensor size")
        self.count = count
        var raw: UnsafeMutableRawPointer?
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("GenEngine: cannot allocate \(bytes) bytes for a tensor")
        }
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(uninitialized: count)
        if value == 0 {
            memset(pointer, 0, count * MemoryLayout<Float>.stride)
        } else {
            pointer.initialize(repeating: value, count: count)
        }
    }

    deinit { free(pointer) }
}
