// libFuzzer entry point shared by every Credence fuzz target. A target is one file in
// Fuzz/Targets/ defining `func fuzzOne(_ data: [UInt8])`; Fuzz/run.sh compiles this file,
// that target and the library modules with -sanitize=fuzzer,address.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    fuzzOne(data)
    return 0
}
