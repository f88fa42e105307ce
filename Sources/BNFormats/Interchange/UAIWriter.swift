import BNCore

/// Writes a network in the UAI format (type BAYES) read by `UAIReader`: function `i` is
/// the CPT of variable `i` with scope `parents + [i]`. Names are not part of UAI.
public enum UAIWriter {
    /// The UAI text of a network.
    public static func string(_ network: BayesianNetwork) -> String {
        String(decoding: bytes(network), as: UTF8.self)
    }

    /// The UAI text as UTF-8 bytes.
    public static func bytes(_ network: BayesianNetwork) -> [UInt8] {
        var out = TextSink()
        out.line("BAYES")
        out.line("\(network.count)")
        out.line(network.cardinalities.map(String.init).joined(separator: " "))
        out.line("\(network.count)")
        for v in 0..<network.count {
            let scope = network.parents(of: v) + [v]
            out.line("\(scope.count) " + scope.map(String.init).joined(separator: " "))
        }
        for v in 0..<network.count {
            let values = network.cpts[v].values
            let k = network.variables[v].cardinality
            out.line()
            out.line("\(values.count)")
            for r in 0..<(values.count / k) {
                out.write(" ")
                for j in 0..<k {
                    out.write(" ")
                    out.write(values[r * k + j])
                }
                out.line()
            }
        }
        return out.bytes
    }

    /// Writes a `.uai` file atomically.
    public static func write(_ network: BayesianNetwork, to path: String) throws(FormatError) {
        try writeAtomically(bytes(network), to: path)
    }
}
