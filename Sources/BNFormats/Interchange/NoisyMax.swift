import BNCore

/// GeNIe / SMILE's Noisy-MAX gate expanded to the full conditional probability table
/// (Díez 1993; Srinivas 1993; Henrion 1989 for the leak).
///
/// The child `Y` has states ordered from the strongest to the weakest: the last state is
/// the *distinguished* one (the effect absent). Each parent `Xᵢ` acts through a hidden
/// variable `Yᵢ` over the child's states, `P(Yᵢ = y | Xᵢ = x) = θᵢ(x, y)`, a leak `Y_L`
/// with `P(Y_L = y) = λ(y)` stands for the causes not modelled, and `Y` is the strongest of
/// them, `Y = max(Y₁, …, Yₙ, Y_L)` in that order. With the cumulative probabilities from
/// the weak end, `Θᵢ(x, y) = Σ_{y' ≥ y} θᵢ(x, y')` (indices at or after `y`), the CPT is
///
/// `P(Y ∈ {y, …, k−1} | x) = Λ(y) · ∏ᵢ Θᵢ(xᵢ, y)`,  `P(Y = y | x) = C(y) − C(y + 1)`,
///
/// with `C(k) = 0`. SMILE stores the CI probabilities `θ` (Díez's parameterisation) in the
/// XDSL `<parameters>`: for each parent in `<parents>` order, one block of `k` numbers per
/// parent state in the order of the parent's `<strengths>` (a permutation of its state
/// indices, strongest first, so the last listed state is the parent's distinguished state,
/// whose block must be `0 … 0 1`), then the `k` leak probabilities.
enum NoisyMax {
    /// A problem with the parameters, said in words (the reader adds the location).
    struct Problem: Error {
        var message: String
        var hint: String?
    }

    /// The CPT in `BayesianNetwork` layout (the child's states fastest, the last parent
    /// next) of a Noisy-MAX node with `childStates` states and parents of
    /// `parentCardinalities`, from `strengths` (one permutation per parent, concatenated)
    /// and `parameters` (the CI blocks in strength order, then the leak).
    static func cpt(childStates k: Int, parentCardinalities: [Int], parentNames: [String],
                    strengths: [Int], parameters: [Double]) throws(Problem) -> [Double] {
        let needStrengths = parentCardinalities.reduce(0, +)
        guard strengths.count == needStrengths else {
            throw Problem(message: "the strengths are \(strengths.count) numbers; they need \(needStrengths) (one per state of each parent: \(zip(parentNames, parentCardinalities).map { "\($0) \($1)" }.joined(separator: ", ")))")
        }
        let needParameters = (needStrengths + 1) * k
        guard parameters.count == needParameters else {
            throw Problem(message: "the parameters are \(parameters.count) numbers; they need \(needParameters) (\(k) per parent state, \(needStrengths) parent states, plus \(k) for the leak)")
        }
        // position[i][x]: the block of parent i's state x.
        var position: [[Int]] = []
        var offset = 0
        for (i, n) in parentCardinalities.enumerated() {
            let order = Array(strengths[offset..<offset + n])
            guard Set(order) == Set(0..<n) else {
                throw Problem(message: "the strengths of the parent \(Quote.name(parentNames[i])) are \(order.map(String.init).joined(separator: " ")); they must list each of its \(n) state indices 0 to \(n - 1) once")
            }
            var p = [Int](repeating: 0, count: n)
            for (j, x) in order.enumerated() { p[x] = j }
            position.append(p)
            offset += n
        }
        // Each block a distribution; a parent's last (distinguished) block the point mass on
        // the child's last state.
        let blocks = needStrengths + 1
        var block = 0
        for (i, n) in (parentCardinalities + [1]).enumerated() {
            for j in 0..<n {
                let row = Array(parameters[block * k..<(block + 1) * k])
                let whose = i < parentNames.count ? "parent \(Quote.name(parentNames[i])), block \(j + 1)" : "the leak"
                guard row.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                    throw Problem(message: "the parameters of \(whose) have a negative or non-finite entry: \(row.map { "\($0)" }.joined(separator: " "))")
                }
                let s = row.reduce(0, +)
                guard abs(s - 1) <= 1e-6 else {
                    throw Problem(message: "the parameters of \(whose) sum to \(s), not 1")
                }
                if i < parentNames.count && j == n - 1 && (row.last != 1 || row.dropLast().contains { $0 != 0 }) {
                    throw Problem(message: "the last block of the parent \(Quote.name(parentNames[i])) (its distinguished state) is \(row.map { "\($0)" }.joined(separator: " "))",
                                  hint: "it must be \(Array(repeating: "0", count: k - 1).joined(separator: " ")) 1: the distinguished state causes nothing")
                }
                block += 1
            }
        }
        precondition(block == blocks)
        // Cumulative tables from the weak end: cum[b * (k + 1) + y] = Σ_{y' ≥ y} θ_b(y').
        var cum = [Double](repeating: 0, count: blocks * (k + 1))
        for b in 0..<blocks {
            for y in stride(from: k - 1, through: 0, by: -1) { cum[b * (k + 1) + y] = cum[b * (k + 1) + y + 1] + parameters[b * k + y] }
        }
        var first: [Int] = []   // the first block of each parent
        offset = 0
        for n in parentCardinalities { first.append(offset); offset += n }
        let rows = parentCardinalities.reduce(1, *)
        var out = [Double](repeating: 0, count: rows * k)
        var config = [Int](repeating: 0, count: parentCardinalities.count)
        var c = [Double](repeating: 0, count: k + 1)
        for r in 0..<rows {
            for y in 0...k { c[y] = cum[(blocks - 1) * (k + 1) + y] }
            for (i, x) in config.enumerated() {
                let b = first[i] + position[i][x]
                for y in 0...k { c[y] *= cum[b * (k + 1) + y] }
            }
            for y in 0..<k { out[r * k + y] = max(0, c[y] - c[y + 1]) }
            // The next configuration, last parent fastest.
            var i = config.count - 1
            while i >= 0 { config[i] += 1; if config[i] < parentCardinalities[i] { break }; config[i] = 0; i -= 1 }
        }
        return out
    }
}
