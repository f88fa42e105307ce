import Foundation

/// A STREAM-style "copy" measurement (McCalpin 1995): `b[i] = a[i]` over arrays much larger
/// than the caches, counting the bytes read plus the bytes written. The best of several runs
/// estimates the machine's sustainable memory bandwidth, the floor for operations that must
/// touch every entry of large tables.
public enum MemoryBandwidth {
    /// Bytes per second of a copy over two arrays of `megabytes` MiB each, best of `runs`.
    public static func copyBytesPerSecond(megabytes: Int = 256, runs: Int = 5) -> Double {
        let n = megabytes * 1_048_576 / MemoryLayout<Double>.stride
        let a = [Double](repeating: 1.5, count: n)
        var b = [Double](repeating: 0, count: n)
        var best = Double.infinity
        for _ in 0..<max(1, runs) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            a.withUnsafeBufferPointer { src in
                b.withUnsafeMutableBufferPointer { dst in
                    dst.baseAddress!.update(from: src.baseAddress!, count: n)
                }
            }
            let t = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            best = min(best, t)
        }
        precondition(b[n - 1] == 1.5)
        return 2 * Double(n * MemoryLayout<Double>.stride) / best
    }
}
