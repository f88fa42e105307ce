/// The family counts a structure score reads: `N(pa = j, x = k)` for any family asked for,
/// laid out like a CPT (parents row-major, child last), and the sample size `N` of BIC's
/// penalty `½ log N · q(r−1)`.
///
/// Two sources: a `DataBinding` gives each family's complete-case counts (rows with a
/// missing cell in the family skipped: the available-case analysis), a
/// `PosteriorCompletion` the expected counts `E[N_{jk} | observed cells, θ]` of structural
/// EM (Friedman 1997), where every row counts with its posterior weight.
public protocol FamilyStatistics: Sendable {
    /// The total row weight `N`.
    var sampleSize: Double { get }
    /// The counts of each family (variables: parents first, child last).
    func counts(families: [[Int]], cardinalities: [Int]) -> [[Double]]
    /// Whether each family is counted on rows of its own (available cases): then two
    /// families' scores are only compared on the rows that observe both (`HillClimbing`
    /// scores a move on the larger family's rows).
    var sharedRows: Bool { get }
}

extension FamilyStatistics {
    public var sharedRows: Bool { false }
}

extension DataBinding: FamilyStatistics {
    /// The total row weight (rows with gaps included).
    public var sampleSize: Double { weights?.reduce(0, +) ?? Double(rowCount) }

    /// Complete-case counts (`FamilyCounter`).
    public func counts(families: [[Int]], cardinalities: [Int]) -> [[Double]] {
        FamilyCounter.counts(families: families, cardinalities: cardinalities, binding: self)
    }
}


/// Available-case counts scaled to the whole sample: each family's complete-case counts
/// (`FamilyCounter`) times `N / N_F`, `N_F` the weight of the rows that observe the whole
/// family. Under data missing completely at random the complete cases of a family are a
/// random subsample, so `N · N_jk / N_F` estimates the complete-data counts without bias
/// (pairwise deletion), and BIC on them tracks the complete-data BIC. Unscaled, a family
/// with more members would count fewer rows and its log-likelihood would shrink with them:
/// the search would add parents for the rows they drop.
public struct AvailableCaseStatistics: FamilyStatistics {
    public let binding: DataBinding
    public let sampleSize: Double

    public var sharedRows: Bool { true }

    public init(_ binding: DataBinding) {
        self.binding = binding
        sampleSize = binding.sampleSize
    }

    public func counts(families: [[Int]], cardinalities: [Int]) -> [[Double]] {
        FamilyCounter.counts(families: families, cardinalities: cardinalities, binding: binding).map { table in
            let observed = table.reduce(0, +)
            guard observed > 0 else { return table }
            let scale = sampleSize / observed
            return table.map { $0 * scale }
        }
    }
}
