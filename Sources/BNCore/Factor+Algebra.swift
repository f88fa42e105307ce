import FactorKernels

extension Factor {
    /// The product `(φ·ψ)(x) = φ(x↓φ)·ψ(x↓ψ)` over `scope ∪ other.scope` (this factor's
    /// variables first, then the new ones of `other` in their order).
    public func multiplying(_ other: Factor) throws(FactorError) -> Factor {
        let out = scope.union(other.scope)
        _ = try MemoryBudget.current.check(out)
        return Factor(unchecked: out, TableKernels.broadcast(values, scope.axes, other.values, other.scope.axes,
                                                            into: out.axes, .multiply))
    }

    /// The quotient `φ/ψ` where `ψ`'s scope is a subset of `φ`'s, with `x/0 = 0`
    /// (Lauritzen & Spiegelhalter 1988: a zero separator entry implies a zero numerator).
    public func dividing(by other: Factor) -> Factor {
        precondition(other.scope.variables.allSatisfy(scope.contains), "divisor scope must be a subset")
        return Factor(unchecked: scope, TableKernels.broadcast(values, scope.axes, other.values, other.scope.axes,
                                                              into: scope.axes, .divide))
    }

    /// Marginalisation `Σ_{vars} φ`: the factor over the remaining variables, order kept.
    public func summingOut(_ vars: [Int]) -> Factor {
        let drop = Set(vars)
        let r = TableKernels.sumOut(values, scope.axes, keeping: scope.variables.filter { !drop.contains($0) })
        return Factor(unchecked: Scope(r.axes), r.values)
    }

    /// `Σ` over every variable not in `kept`.
    public func marginal(keeping kept: [Int]) -> Factor {
        let keep = Set(kept)
        return summingOut(scope.variables.filter { !keep.contains($0) })
    }

    /// Max-marginalisation `max_{vars} φ` with, for each remaining configuration, the
    /// maximising states of `vars` (as `variable → state`), the step of MPE by max-product
    /// elimination. Ties keep the first configuration in row-major order.
    public func maxingOut(_ vars: [Int]) -> (factor: Factor, argmax: ArgMaxTable) {
        let drop = Set(vars)
        let r = TableKernels.maxOut(values, scope.axes, keeping: scope.variables.filter { !drop.contains($0) })
        return (Factor(unchecked: Scope(r.axes), r.values),
                ArgMaxTable(kept: Scope(r.axes), maxed: Scope(r.maxedAxes), indices: r.argmax))
    }

    /// Conditioning on hard evidence: fixes each evidence variable in the scope to its
    /// state and drops it, `φ'(y) = φ(y, x_e)`. Variables not in the scope are ignored.
    public func reduced(to evidence: [Int: Int]) -> Factor {
        var fixed: [Int: Int] = [:]
        for (v, s) in evidence {
            if let c = scope.cardinality(of: v) {
                precondition(s >= 0 && s < c, "evidence state \(s) out of range for variable #\(v)")
                fixed[v] = s
            }
        }
        if fixed.isEmpty { return self }
        let r = TableKernels.slice(values, scope.axes, fixing: fixed)
        return Factor(unchecked: Scope(r.axes), r.values)
    }

    /// Soft (likelihood) evidence: `φ'(x) = φ(x)·λ(x_v)`; unchanged when `v` is not in scope.
    public func weighted(by likelihood: [Double], on variable: Int) -> Factor {
        var copy = values
        TableKernels.scale(&copy, scope.axes, along: variable, by: likelihood)
        return Factor(unchecked: scope, copy)
    }

    /// The factor divided by its sum, and the sum `Z = Σ φ`. A zero sum leaves the factor
    /// unchanged and returns 0, so the caller can report impossible evidence.
    public func normalized() -> (factor: Factor, constant: Double) {
        let z = sum
        guard z != 0, z.isFinite else { return (self, z) }
        let inv = 1 / z
        return (Factor(unchecked: scope, values.map { $0 * inv }), z)
    }

    /// The same function with the table laid out in another variable order.
    public func reordered(to order: [Int]) -> Factor {
        precondition(Set(order) == Set(scope.variables) && order.count == scope.count, "reorder needs the same variables")
        if order == scope.variables { return self }
        let target = scope.axes.selecting(order)
        return Factor(unchecked: Scope(target), TableKernels.permute(values, from: scope.axes, to: target))
    }

    /// Fused multiply-and-marginalise `Σ_{eliminate} ∏ᵢ φᵢ`, without materialising the full
    /// product: operands are contracted pairwise (smallest intermediate first), each pair
    /// through a `ContractionPlan` (BLAS GEMM for large operands, an odometer loop for small
    /// ones), and a variable is summed out as soon as no remaining operand mentions it.
    /// The result's variable order is unspecified; use `reordered(to:)` for a fixed one.
    public static func contract(_ factors: [Factor], eliminating: [Int],
                                path: ContractionPlan.Path = .automatic,
                                blasThreshold: Int = ContractionPlan.defaultBLASThreshold) throws(FactorError) -> Factor {
        let elim = Set(eliminating)
        var pool = factors
        if pool.isEmpty { return .constant(1) }
        if pool.count == 1 { return pool[0].summingOut(eliminating) }
        while pool.count > 1 {
            // The pair whose contracted result is smallest.
            func keep(_ i: Int, _ j: Int) -> Set<Int> {
                var others = Set<Int>()
                for (t, f) in pool.enumerated() where t != i && t != j { others.formUnion(f.scope.variables) }
                return Set(pool[i].scope.union(pool[j].scope).variables.filter { !elim.contains($0) || others.contains($0) })
            }
            let pair = ContractionPlan.smallestPair(pool.count) { i, j in
                let u = pool[i].scope.union(pool[j].scope)
                let kept = keep(i, j)
                var size = 1
                for (v, c) in zip(u.variables, u.cardinalities) where kept.contains(v) {
                    let (p, o) = size.multipliedReportingOverflow(by: c)
                    if o { return Int.max }
                    size = p
                }
                return size
            }
            let chosen = (i: pair.i, j: pair.j, keep: keep(pair.i, pair.j))
            let a = pool[chosen.i], b = pool[chosen.j]
            let plan = ContractionPlan(a: a.scope.axes, b: b.scope.axes, keep: chosen.keep, path: path, blasThreshold: blasThreshold)
            _ = try MemoryBudget.current.check(Scope(plan.output))
            let c = Factor(unchecked: Scope(plan.output), plan.execute(a.values, b.values))
            pool.remove(at: chosen.j)
            pool.remove(at: chosen.i)
            pool.append(c)
        }
        return pool[0].summingOut(eliminating)
    }
}

/// For each configuration of the kept variables, the maximising configuration of the
/// maxed-out variables, as produced by `Factor.maxingOut`.
public struct ArgMaxTable: Equatable, Sendable {
    public let kept: Scope
    public let maxed: Scope
    /// Row-major index into `maxed`'s configurations, one per configuration of `kept`.
    public let indices: [Int]

    /// The maximising states `variable → state` of the maxed variables, given the states
    /// of the kept variables.
    public func states(given assignment: [Int: Int]) -> [Int: Int] {
        var index = 0
        for (v, c) in zip(kept.variables, kept.cardinalities) { index = index * c + assignment[v]! }
        var code = indices[index]
        var result: [Int: Int] = [:]
        for (v, c) in zip(maxed.variables, maxed.cardinalities).reversed() {
            result[v] = code % c
            code /= c
        }
        return result
    }
}
