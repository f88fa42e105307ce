import BNCore
import _CZlib

/// gzip (RFC 1952) compression and decompression through zlib, for `.bif.gz` models.
public enum Gzip {
    /// Whether `bytes` start with the gzip magic number `1f 8b`.
    public static func isCompressed(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Inflates a gzip stream (concatenated members are joined), stopping as soon as the
    /// output would pass `limit` bytes, so a small file that expands to gigabytes (a
    /// "zip bomb") is refused instead of exhausting memory. Throws a message in user words
    /// for a truncated or corrupt stream, or one naming the limit.
    public static func decompress(_ input: [UInt8], limit: Int = .max) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip header and trailer.
        guard inflateInit2_(&stream, 16 + 15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipError(message: "zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(min(max(input.count.multipliedReportingOverflow(by: 8).partialValue, 1 << 16), limit))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var consumed = 0
        while true {
            let (status, produced, used) = input.withUnsafeBufferPointer { inp in
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress.map { $0 + consumed })
                    let offered = min(inp.count - consumed, Int(UInt32.max))
                    stream.avail_in = UInt32(offered)
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    let s = inflate(&stream, Z_NO_FLUSH)
                    return (s, out.count - Int(stream.avail_out), offered - Int(stream.avail_in))
                }
            }
            consumed += used
            if produced > limit - output.count {
                throw GzipError(message: "the gzip stream expands to more than \(MemoryBudget.format(limit)), the most a compressed model may expand to (half the memory budget, \(MemoryBudget.variable))")
            }
            output.append(contentsOf: chunk[0..<produced])
            switch status {
            case Z_STREAM_END:
                // Another member may follow (gzip allows concatenation).
                if consumed < input.count && isCompressed(Array(input[consumed...])) {
                    inflateReset(&stream)
                    continue
                }
                return output
            case Z_OK:
                if used == 0 && produced == 0 {
                    throw GzipError(message: "the gzip stream is truncated")
                }
            case Z_BUF_ERROR:
                throw GzipError(message: "the gzip stream is truncated")
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw GzipError(message: "the gzip stream is corrupt (\(reason))")
            }
        }
    }

    /// Deflates `input` into a gzip stream (default compression level).
    public static func compress(_ input: [UInt8]) throws(GzipError) -> [UInt8] {
        guard input.count < Int(UInt32.max) else { throw GzipError(message: "cannot compress more than 4 GiB at once") }
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + 15, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GzipError(message: "zlib could not be initialised")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count))) + 64
        var output = [UInt8](repeating: 0, count: bound)
        let status: Int32 = input.withUnsafeBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
                stream.avail_in = UInt32(inp.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw GzipError(message: "compression failed (error \(status))") }
        output.removeLast(Int(stream.avail_out))
        return output
    }
}

/// A gzip stream that could not be read or written.
public struct GzipError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in user words.
    public var message: String
    /// The message.
    public var description: String { message }
}
