#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Decomposable scores of a DAG given complete data: `score(G) = Σ_v score(v | pa(v))`, each
/// term a function of the family counts `N_{jk}` (parent configuration `j`, child state `k`),
/// with `N_j = Σ_k N_{jk}`, `r` child states, `q` parent configurations, `N` rows.
///
/// - BIC (Schwarz 1978): `Σ_{jk} N_{jk} log(N_{jk}/N_j) − ½ log N · q(r−1)`
/// - AIC (Akaike 1974): `Σ_{jk} N_{jk} log(N_{jk}/N_j) − q(r−1)`
/// - K2 (Cooper & Herskovits 1992): `Σ_j [log Γ(r) − log Γ(N_j + r) + Σ_k log Γ(N_{jk} + 1)]`
/// - BDeu (Heckerman, Geiger & Chickering 1995), `α_{jk} = ess/(q r)`, `α_j = ess/q`:
///   `Σ_j [log Γ(α_j) − log Γ(α_j + N_j) + Σ_k (log Γ(α_{jk} + N_{jk}) − log Γ(α_{jk}))]`
///
/// All in natural logarithms; higher is better.
public enum StructureScore: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `bic`, `aic`, `k2`, `bdeu(ess=10.0)`: how reports name the score.
    public var description: String {
        switch self {
        case .bic: return "bic"
        case .aic: return "aic"
        case .k2: return "k2"
        case .bdeu(let ess): return "bdeu(ess=\(ess))"
        }
    }

    case bic
    case aic
    case k2
    case bdeu(equivalentSampleSize: Double)

    /// The score of one family from its counts (`r` child states, child fastest).
    public func familyScore(counts: [Double], childStates r: Int, sampleSize n: Double) -> Double {
        let q = counts.count / r
        switch self {
        case .bic, .aic:
            var ll = 0.0
            for j in 0..<q {
                var nj = 0.0
                for k in 0..<r { nj += counts[j * r + k] }
                if nj == 0 { continue }
                for k in 0..<r {
                    let c = counts[j * r + k]
                    if c > 0 { ll += c * log(c / nj) }
                }
            }
            let params = Double(q * (r - 1))
            return ll - (self == .bic ? 0.5 * log(max(n, 1)) * params : params)
        case .k2:
            var s = 0.0
            let lgr = logGamma(Double(r))
            for j in 0..<q {
                var nj = 0.0
                for k in 0..<r {
                    let c = counts[j * r + k]
                    nj += c
                    s += logGamma(c + 1)
                }
                s += lgr - logGamma(nj + Double(r))
            }
            return s
        case .bdeu(let ess):
            let aj = ess / Double(q), ajk = ess / Double(q * r)
            let lgAjk = logGamma(ajk), lgAj = logGamma(aj)
            var s = 0.0
            for j in 0..<q {
                var nj = 0.0
                for k in 0..<r {
                    let c = counts[j * r + k]
                    nj += c
                    if c > 0 { s += logGamma(ajk + c) - lgAjk }
                }
                s += lgAj - logGamma(aj + nj)
            }
            return s
        }
    }
}

/// `log Γ(x)` for `x > 0`.
@inline(__always)
func logGamma(_ x: Double) -> Double {
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
}
