import Foundation

/// Exact decimal-to-Double conversion for numbers read from model files.
///
/// The result is the correctly rounded Double of the decimal text (what `strtod` gives):
/// short inputs take Clinger's fast path (W. D. Clinger, "How to read floating point
/// numbers accurately", PLDI 1990) — an integer mantissa below 2^53 scaled by an exactly
/// representable power of ten is one correctly rounded operation — and everything else
/// goes to `strtod`. Only plain decimal syntax is accepted (`-1.5e-3`, `.5`, `7.`), never
/// hex floats, `inf` or `nan`; out-of-range magnitudes are refused.
enum DecimalParser {
    private static let powers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// Parses `bytes[range]`; nil when it is not a decimal number or overflows to infinity.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        var i = range.lowerBound
        let end = range.upperBound
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0          // significant digits accumulated (leading zeros skipped)
        var anyDigit = false
        var dropped = false     // more than 19 significant digits
        var exponent = 0
        while i < end, bytes[i] &- 48 < 10 {
            anyDigit = true
            let d = UInt64(bytes[i] &- 48)
            if digits < 19 { if mantissa != 0 || d != 0 { mantissa = mantissa * 10 + d; if mantissa != 0 { digits += 1 } } }
            else { dropped = true; exponent += 1 }
            i += 1
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, bytes[i] &- 48 < 10 {
                anyDigit = true
                let d = UInt64(bytes[i] &- 48)
                if digits < 19 {
                    mantissa = mantissa * 10 + d
                    if mantissa != 0 { digits += 1 }
                    exponent -= 1
                } else if d != 0 { dropped = true }
                i += 1
            }
        }
        guard anyDigit else { return nil }
        if i < end, bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < end, bytes[i] &- 48 < 10 else { return nil }
            var e = 0
            while i < end, bytes[i] &- 48 < 10 {
                if e < 100_000 { e = e * 10 + Int(bytes[i] &- 48) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }
        if mantissa == 0 && !dropped { return negative ? -0.0 : 0.0 }
        if !dropped && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
            let m = Double(mantissa)
            let v = exponent < 0 ? m / powers[-exponent] : m * powers[exponent]
            return negative ? -v : v
        }
        return slowPath(bytes, range)
    }

    /// `strtod` on a NUL-terminated copy of the token.
    private static func slowPath(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        let n = range.count
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { buf -> Double? in
            for k in 0..<n { buf[k] = CChar(bitPattern: bytes[range.lowerBound + k]) }
            buf[n] = 0
            var endPtr: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(buf.baseAddress!, &endPtr)
            guard let e = endPtr, e - buf.baseAddress! == n, v.isFinite else { return nil }
            return v
        }
    }

    /// Parses a Swift string (for formats read through other parsers, e.g. XML text).
    static func parse<S: StringProtocol>(_ text: S) -> Double? {
        var s = String(text)
        return s.withUTF8 { parse($0, 0..<$0.count) }
    }
}
