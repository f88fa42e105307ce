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
    /// 10^k for 0 ≤ k ≤ 22, all exactly representable.
    @inline(__always)
    private static func power(_ k: Int) -> Double {
        switch k {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    /// Parses `bytes[range]`; nil when it is not a decimal number or overflows to infinity.
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        var i = range.lowerBound
        let end = range.upperBound
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        // All digits go into the mantissa; 19 digits (leading zeros included) cannot overflow
        // a UInt64, and longer numbers take the slow path.
        var mantissa: UInt64 = 0
        let digitsStart = i
        while i < end {
            let d = bytes[i] &- 48
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        var digits = i - digitsStart
        var exponent = 0
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < end {
                let d = bytes[i] &- 48
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            exponent = fractionStart - i
            digits += i - fractionStart
        }
        guard digits > 0 else { return nil }
        if i < end && bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard i < end && bytes[i] &- 48 <= 9 else { return nil }
            var e = 0
            while i < end {
                let d = bytes[i] &- 48
                if d > 9 { break }
                if e < 100_000 { e = e * 10 + Int(d) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }
        if digits <= 19 {
            if mantissa == 0 { return negative ? -0.0 : 0.0 }
            if mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
                let m = Double(mantissa)
                let v = exponent < 0 ? m / power(-exponent) : m * power(exponent)
                return negative ? -v : v
            }
        }
        return slowPath(bytes, range)
    }

    /// Parses the number that starts at `start` and ends at the first byte for which
    /// `isDelimiter` holds (or the end): the fused lexer-and-parser fast path for lists of
    /// probabilities. Returns nil when the bytes there do not form a number ending at a
    /// delimiter (the caller then lexes a token for the message).
    @inline(__always)
    static func parseNumberToken(_ b: UnsafeBufferPointer<UInt8>, _ start: Int,
                                 isDelimiter: (UInt8) -> Bool) -> (Double, Int)? {
        let n = b.count
        var i = start
        var negative = false
        if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        let digitsStart = i
        while i < n {
            let d = b[i] &- 48
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        var digits = i - digitsStart
        var exponent = 0
        if i < n && b[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < n {
                let d = b[i] &- 48
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            exponent = fractionStart - i
            digits += i - fractionStart
        }
        guard digits > 0 && digits <= 19 else { return nil }
        if i < n && b[i] | 0x20 == UInt8(ascii: "e") { return nil }   // exponents: the general path
        guard i == n || isDelimiter(b[i]) else { return nil }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, i) }
        guard mantissa <= (1 << 53) && exponent >= -22 else { return nil }
        let m = Double(mantissa)
        let v = exponent < 0 ? m / power(-exponent) : m
        return (negative ? -v : v, i)
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
