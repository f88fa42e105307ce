/// Builds a dataset's columns by writing into them in place.
///
/// A reader knows an upper bound on the rows before it starts (the line ends of a CSV),
/// not the exact count. `columns(count:capacity:fill:)` allocates `count` arrays of
/// `capacity` cells, hands `fill` their base pointers, and keeps the first `n` cells of
/// each, `n` being what `fill` returns. Nothing is copied and nothing grows: the old path
/// (a row-major buffer grown by appending, then split into columns) touched three times
/// the memory, and on this machine first touches of fresh pages dominated the read.
enum ColumnFill {
    /// Above this many columns the arrays are not nested (one stack frame per column) but
    /// filled in one block and copied out.
    static let nestingLimit = 256

    /// `count` columns of at most `capacity` cells each; `fill` writes cells `0..<n` of
    /// every column through the pointers and returns `n` (at most `capacity`).
    static func columns(count: Int, capacity: Int,
                        fill: (UnsafeBufferPointer<UnsafeMutablePointer<Int32>>) -> Int) -> [[Int32]] {
        let capacity = max(capacity, 1)
        if count > nestingLimit { return blockColumns(count: count, capacity: capacity, fill: fill) }
        var pointers: [UnsafeMutablePointer<Int32>] = []
        pointers.reserveCapacity(count)
        var built: [[Int32]] = []
        built.reserveCapacity(count)
        var filled = 0
        // Each array's initializer opens the next one, so every buffer is alive and writable
        // while `fill` runs; each then keeps `filled` cells.
        func open(_ k: Int) {
            if k == count {
                filled = pointers.withUnsafeBufferPointer { fill($0) }
                precondition(filled <= capacity, "ColumnFill: more rows written than the capacity")
                return
            }
            let column = [Int32](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                pointers.append(buffer.baseAddress!)
                open(k + 1)
                initialized = filled
            }
            built.append(column)
        }
        open(0)
        return built.reversed()
    }

    /// The same through one column-major block and a copy per column (for wide tables).
    private static func blockColumns(count: Int, capacity: Int,
                                     fill: (UnsafeBufferPointer<UnsafeMutablePointer<Int32>>) -> Int) -> [[Int32]] {
        let block = UnsafeMutablePointer<Int32>.allocate(capacity: count * capacity)
        defer { block.deallocate() }
        let pointers = (0..<count).map { block + $0 * capacity }
        let filled = pointers.withUnsafeBufferPointer { fill($0) }
        precondition(filled <= capacity, "ColumnFill: more rows written than the capacity")
        return pointers.map { Array(UnsafeBufferPointer(start: $0, count: filled)) }
    }
}
