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
}

extension DataBinding: FamilyStatistics {
    /// The total row weight (rows with gaps included).
    public var sampleSize: Double { weights?.reduce(0, +) ?? Double(rowCount) }

    /// Complete-case counts (`FamilyCounter`).
    public func counts(families: [[Int]], cardinalities: [Int]) -> [[Double]] {
        FamilyCounter.counts(families: families, cardinalities: cardinalities, binding: self)
    }
}

