/// Exact decimal-to-Double conversion of a word token of the `.bn` language.
///
/// Accepts plain decimal syntax only: `[+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?`
/// (no hex floats, `inf` or `nan`). The result is the correctly rounded Double: a mantissa
/// of at most 2^53 scaled by an exactly representable power of ten is one correctly
/// rounded operation (Clinger 1990, "How to read floating point numbers accurately"), and
/// every other input goes through `Double(String)` (the C library's `strtod`). Together with
/// the printer's shortest round-trip digits (`"\(x)"`), printing and reading give the same bits.
enum BNDecimal {
    private static let powers: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

    /// The value of `bytes[start..<end]`, or nil when it is not a decimal number or its
    /// magnitude overflows.
    static func parse(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Double? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var anyDigit = false
        var inexact = false
        while i < end, bytes[i] &- 48 < 10 {
            anyDigit = true
            let d = UInt64(bytes[i] &- 48)
            if significant < 19 {
                mantissa = mantissa * 10 + d
                if mantissa != 0 { significant += 1 }
            } else {
                inexact = true
                exponent += 1
            }
            i += 1
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, bytes[i] &- 48 < 10 {
                anyDigit = true
                let d = UInt64(bytes[i] &- 48)
                if significant < 19 {
                    mantissa = mantissa * 10 + d
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else if d != 0 {
                    inexact = true
                }
                i += 1
            }
        }
        guard anyDigit else { return nil }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            var expDigit = false
            while i < end, bytes[i] &- 48 < 10 {
                expDigit = true
                if e < 100_000 { e = e * 10 + Int(bytes[i] &- 48) }
                i += 1
            }
            guard expDigit else { return nil }
            exponent += expNegative ? -e : e
        }
        guard i == end else { return nil }
        if !inexact && mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var x = Double(mantissa)
            x = exponent < 0 ? x / powers[-exponent] : x * powers[exponent]
            return negative ? -x : x
        }
        guard let x = Double(String(decoding: bytes[start..<end], as: UTF8.self)), x.isFinite else { return nil }
        return x
    }
}
