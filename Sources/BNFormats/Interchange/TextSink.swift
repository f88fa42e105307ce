/// A growing UTF-8 byte buffer that writers append to, with the shortest round-trip
/// rendering of Doubles (`0.1`, `1e-05`): reading the text back with `strtod` gives the
/// same Double bit for bit.
struct TextSink {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    mutating func write(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ x: Double) {
        if x == 0 { write(x.sign == .minus ? "-0" : "0"); return }
        if x == 1 { write("1"); return }
        var d = x.description
        if d.hasSuffix(".0") { d.removeLast(2) }
        write(d)
    }

    /// `values` one after the other, `separator` between them.
    mutating func write(_ values: some Sequence<Double>, separator: String) {
        var first = true
        for x in values {
            if !first { write(separator) }
            write(x)
            first = false
        }
    }

    mutating func line(_ s: String = "") {
        write(s)
        bytes.append(10)
    }
}
