import Foundation

/// A 64-byte-aligned buffer of Float32, shared between `Tensor` values and copied on write.
/// Buffers come from `BufferPool`, so a training loop that allocates the same shapes every step
/// reuses memory instead of going back to malloc (whose heap otherwise fragments and grows).
final class TensorStorage {
    /// Number of Float32 elements.
    let count: Int
    let pointer: UnsafeMutablePointer<Float>

    /// Uninitialised storage for `count` floats; callers fill every element.
    init(uninitialized count: Int) {
        precondition(count >= 0, "negative tensor size")
        self.count = count
        pointer = BufferPool.take(bytes: BufferPool.roundedBytes(count)).bindMemory(to: Float.self, capacity: max(count, 1))
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(uninitialized: count)
        if value == 0 {
            memset(pointer, 0, count * MemoryLayout<Float>.stride)
        } else {
            pointer.initialize(repeating: value, count: count)
        }
    }

    deinit { BufferPool.give(UnsafeMutableRawPointer(pointer), bytes: BufferPool.roundedBytes(count)) }
}

/// Free buffers kept for reuse, by exact (64-byte-rounded) size, up to `limitBytes` in total
/// (`GEN_POOL_MB`, default 1024); beyond that, freed buffers go back to the system.
public enum BufferPool {
    private static var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private static var cachedBytes = 0
    private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(m, nil)
        return m
    }()
    static let limitBytes: Int = {
        let mb = ProcessInfo.processInfo.environment["GEN_POOL_MB"].flatMap { Int($0) } ?? 1024
        return max(0, mb) << 20
    }()
    /// Buffers smaller than this are cheap to malloc and are not pooled.
    static let smallest = 4096

    /// The bytes a buffer of `count` floats takes: 64-byte lines and, from `smallest` up, the next
    /// of eight size classes per power of two (at most 12.5% more), so that tensors whose size
    /// drifts (a decoding batch that shrinks row by row) reuse each other's buffers instead of
    /// filling the pool with one size each.
    static func roundedBytes(_ count: Int) -> Int {
        let bytes = (max(count, 1) * MemoryLayout<Float>.stride + 63) & ~63
        guard bytes > smallest else { return bytes }
        let step = 1 << (Int.bitWidth - bytes.leadingZeroBitCount - 1 - 3)
        return (bytes + step - 1) / step * step
    }

    static func take(bytes: Int) -> UnsafeMutableRawPointer {
        if bytes >= smallest {
            pthread_mutex_lock(lock)
            if let p = free[bytes]?.popLast() {
                cachedBytes -= bytes
                pthread_mutex_unlock(lock)
                return p
            }
            pthread_mutex_unlock(lock)
        }
        var raw: UnsafeMutableRawPointer?
        guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
            fatalError("GenEngine: cannot allocate \(bytes) bytes for a tensor")
        }
        return raw
    }

    /// Returns every cached buffer to the system (between benchmarks, or after a large job).
    public static func releaseCached() {
        pthread_mutex_lock(lock)
        let all = free.keys.sorted().flatMap { free[$0]! }
        free = [:]
        cachedBytes = 0
        pthread_mutex_unlock(lock)
        for pointer in all { Foundation.free(pointer) }
    }

    static func give(_ p: UnsafeMutableRawPointer, bytes: Int) {
        if bytes >= smallest {
            pthread_mutex_lock(lock)
            if cachedBytes + bytes <= limitBytes {
                free[bytes, default: []].append(p)
                cachedBytes += bytes
                pthread_mutex_unlock(lock)
                return
            }
            pthread_mutex_unlock(lock)
        }
        Foundation.free(p)
    }
}
