/// A byte-string → code map for one CSV column (open addressing, FNV-1a hashes): maps the
/// bytes of a cell to its state code, `Dataset.missing`, or a marker for a value already
/// reported as unknown. Used by the CSV reader's hot loop; no Strings are made per cell.
struct StateTable: Sendable {
    private var slots: [Int32]
    private var mask: Int
    private var starts: [Int] = []
    private var lengths: [Int] = []
    private var storage: [UInt8] = []
    /// The code of each entry.
    private(set) var codes: [Int32] = []

    init() {
        slots = [Int32](repeating: -1, count: 16)
        mask = 15
    }

    var count: Int { codes.count }

    @inline(__always)
    static func hash(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var i = start
        while i < end {
            h = (h ^ UInt64(p[i])) &* 0x100_0000_01b3
            i += 1
        }
        return h
    }

    /// The entry index of `p[start..<end]`, or nil.
    @inline(__always)
    func find(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, hash: UInt64) -> Int? {
        var s = Int(truncatingIfNeeded: hash) & mask
        let len = end - start
        while true {
            let e = Int(slots[s])
            if e < 0 { return nil }
            if lengths[e] == len {
                let o = starts[e]
                var same = true
                var k = 0
                while k < len {
                    if storage[o + k] != p[start + k] { same = false; break }
                    k += 1
                }
                if same { return e }
            }
            s = (s + 1) & mask
        }
    }

    /// Adds an entry (the caller checked it is absent) and returns its index.
    @discardableResult
    mutating func insert(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, hash: UInt64, code: Int32) -> Int {
        let e = codes.count
        starts.append(storage.count)
        lengths.append(end - start)
        storage.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<end]))
        codes.append(code)
        if codes.count * 2 > slots.count { grow() }
        var s = Int(truncatingIfNeeded: hash) & mask
        while slots[s] >= 0 { s = (s + 1) & mask }
        slots[s] = Int32(e)
        return e
    }

    /// Adds a String entry if absent.
    mutating func insert(_ text: String, code: Int32) {
        var t = text
        t.withUTF8 { p in
            let h = Self.hash(p, 0, p.count)
            if find(p, 0, p.count, hash: h) == nil { insert(p, 0, p.count, hash: h, code: code) }
        }
    }

    mutating func setCode(_ entry: Int, _ code: Int32) { codes[entry] = code }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        mask = slots.count - 1
        for e in 0..<codes.count {
            let h = storage.withUnsafeBufferPointer { Self.hash($0, starts[e], starts[e] + lengths[e]) }
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(e)
        }
    }
}
