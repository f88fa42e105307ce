import BNCore

/// Builds a `BayesianNetwork` from what a reader found in a file, turning every model
/// error into a located diagnostic. Readers declare variables, set parents and hand over
/// each CPT in family layout (`parents + [child]`, child fastest); the assembler checks
/// entries (finite, non-negative) and row sums, collects all problems, and stops with all
/// of them at once.
///
/// Row normalisation: a row must sum to 1 within `BayesianNetwork.normalizationTolerance`
/// (1e-6) and is then divided by its sum, so files whose rows sum to 1 only within ~3e-7
/// (barley, pathfinder; see networks/SOURCES.md) load as exact distributions. The
/// reference posteriors were computed the same way.
struct NetworkAssembler {
    private(set) var network: BayesianNetwork
    private(set) var diagnostics: [Diagnostic] = []
    private var declaredAt: [() -> SourceLocation] = []
    private var tableAt: [(() -> SourceLocation)?] = []
    /// Variables read under portable names, renamed back at `finish`.
    private var restorations: [(variable: Int, original: OriginalNames)] = []
    /// Stop collecting beyond this many problems.
    static let maximumDiagnostics = 50

    /// The most entries one table may have: a file of `n` bytes defines at most
    /// `max(2^20, 64·n)` entries (a `default` row can fill many), so a small hostile file
    /// cannot make the reader allocate gigabytes.
    let entryLimit: Int

    init(name: String, sourceSize: Int) {
        network = BayesianNetwork(name: name)
        let (big, overflow) = sourceSize.multipliedReportingOverflow(by: 64)
        entryLimit = max(1 << 20, overflow ? Int.max : big)
    }

    var isFull: Bool { diagnostics.count >= Self.maximumDiagnostics }

    mutating func report(_ location: @autoclosure () -> SourceLocation, _ message: String, hint: String? = nil) {
        if diagnostics.count < Self.maximumDiagnostics {
            diagnostics.append(Diagnostic(location(), message, hint: hint))
        }
    }

    mutating func setNetworkInfo(label: String?, description: String?) {
        network.label = label
        network.description = description
    }

    /// Declares a variable; reports duplicate names or states.
    @discardableResult
    mutating func addVariable(_ variable: Variable, at location: @escaping @autoclosure () -> SourceLocation) -> Int? {
        if let first = network.index(of: variable.name) {
            report(location(), "variable \(Quote.name(variable.name)) is declared twice",
                   hint: "first declared at \(declaredAt[first]())")
            return nil
        }
        do {
            let v = try network.addVariable(variable)
            declaredAt.append(location)
            tableAt.append(nil)
            return v
        } catch {
            report(location(), error.description)
            return nil
        }
    }

    /// Declares a variable read under its `PortableNames`, with the `credence_*` records
    /// of the file: the cut points are set now, the original names at `finish` (the tables
    /// still name the portable ones).
    @discardableResult
    mutating func addVariable(_ variable: Variable, original: OriginalNames,
                              at location: @escaping @autoclosure () -> SourceLocation) -> Int? {
        var variable = variable
        if let cuts = original.cutPoints { variable.cutPoints = cuts }
        if let derivation = original.derivation { variable.derivation = derivation }
        guard let v = addVariable(variable, at: location()) else { return nil }
        if let states = original.states, states.count != variable.cardinality {
            report(location(), "\(PortableNames.Key.states) of \(Quote.name(variable.name)) lists \(states.count) states; the variable has \(variable.cardinality)")
        } else if original.name != nil || original.states != nil {
            restorations.append((v, original))
        }
        return v
    }

    /// The index of a variable named in a table; reports an unknown name.
    mutating func lookup(_ name: String, at location: @autoclosure () -> SourceLocation) -> Int? {
        if let v = network.index(of: name) { return v }
        let known = network.names
        report(location(), "unknown variable \(Quote.name(name))",
               hint: known.isEmpty ? "no variable is declared" : "declared variables: \(Self.list(known))")
        return nil
    }

    /// Sets the parents of `child` in table order; reports repeats, self-loops, cycles and
    /// a second table for the same variable.
    mutating func setParents(_ child: Int, _ parents: [Int], at location: @escaping @autoclosure () -> SourceLocation) -> Bool {
        let name = network.variables[child].name
        if let previous = tableAt[child] {
            report(location(), "a second probability table for \(Quote.name(name))", hint: "the first is at \(previous())")
            return false
        }
        tableAt[child] = location
        var seen = Set<Int>()
        for p in parents where !seen.insert(p).inserted {
            report(location(), "parent \(Quote.name(network.variables[p].name)) of \(Quote.name(name)) is listed twice")
            return false
        }
        if parents.isEmpty { return true }
        var entries = network.variables[child].cardinality
        for p in parents {
            let (e, overflow) = entries.multipliedReportingOverflow(by: network.variables[p].cardinality)
            if overflow || e > entryLimit {
                report(location(), "the table of \(Quote.name(name)) would have more than \(entryLimit) entries",
                       hint: "its \(parents.count) parents have \(parents.map { network.variables[$0].cardinality }.map(String.init).joined(separator: " × ")) states")
                return false
            }
            entries = e
        }
        do {
            try network.setParents(child, to: parents)
            return true
        } catch {
            switch error {
            case .cycle(let path):
                report(location(), "the parents of \(Quote.name(name)) close the directed cycle \(path.map(Quote.short).joined(separator: " -> "))",
                       hint: "a Bayesian network must be acyclic")
            default:
                report(location(), error.description)
            }
            return false
        }
    }

    /// The number of parent configurations (rows) of `child`'s CPT, or nil when the table
    /// is too large to allocate (reported).
    mutating func rowCount(_ child: Int, at location: @autoclosure () -> SourceLocation) -> Int? {
        let scope = network.familyScope(of: child)
        do {
            let n = try MemoryBudget.current.check(scope)
            return n / network.variables[child].cardinality
        } catch {
            report(location(), "the table of \(Quote.name(network.variables[child].name)) is too large: \(error.describe(names: network.names))")
            return nil
        }
    }

    /// Checks and installs `child`'s CPT given in family layout. `rowLocation(r)` locates
    /// row `r` (parent configuration, last parent fastest) for messages.
    mutating func setTable(_ child: Int, _ values: [Double], at location: @autoclosure () -> SourceLocation,
                           rowLocation: (Int) -> SourceLocation) {
        let v = network.variables[child]
        let k = v.cardinality
        let scope = network.familyScope(of: child)
        guard let expected = try? scope.entries(), values.count == expected else {
            report(location(), "the table of \(Quote.name(v.name)) has \(values.count) entries; it needs \(entriesText(scope))")
            return
        }
        var ok = true
        let rows = values.count / k
        values.withUnsafeBufferPointer { p in
            for r in 0..<rows where !isFull {
                var s = 0.0
                var bad: Double? = nil
                for j in 0..<k {
                    let x = p[r * k + j]
                    if !(x >= 0) || !x.isFinite { bad = x; break }
                    s += x
                }
                if let x = bad {
                    ok = false
                    report(rowLocation(r), "\(given(child, r)) has the \(x < 0 ? "negative" : "invalid") entry \(x)",
                           hint: "probabilities must be between 0 and 1")
                } else if abs(s - 1) > BayesianNetwork.normalizationTolerance {
                    ok = false
                    report(rowLocation(r), "\(given(child, r)) sums to \(s), not 1",
                           hint: "each row must sum to 1 (within \(BayesianNetwork.normalizationTolerance))")
                }
            }
        }
        guard ok else { return }
        let f: Factor
        do { f = try Factor(scope: scope, values: values) } catch {
            report(location(), error.describe(names: network.names))
            return
        }
        do { try network.setCPT(child, f) } catch {
            report(location(), error.description)
        }
    }

    private func entriesText(_ scope: Scope) -> String {
        (try? scope.entries()).map { "\($0)" } ?? "more than a machine integer"
    }

    /// `P(X | A=a, B=b)` text of a row.
    func given(_ child: Int, _ row: Int) -> String {
        let ps = network.parentStates(of: child, row: row)
        return "P(\(Quote.short(network.variables[child].name))\(ps.isEmpty ? "" : " | " + ps.map(Quote.short).joined(separator: ", ")))"
    }

    /// Finishes: every variable needs a table unless `requireTables` is false.
    mutating func finish(requireTables: Bool = true, file: String) throws(FormatError) -> BayesianNetwork {
        if requireTables {
            // A decision needs no table (its policy is chosen, not read).
            for v in 0..<network.count where tableAt[v] == nil && network.variables[v].role != .decision {
                let at = declaredAt[v]()
                let name = network.variables[v].name
                report(at, "variable \(Quote.name(name)) has no probability table")
            }
        }
        for (v, original) in restorations where diagnostics.isEmpty {
            do {
                if let states = original.states { try network.renameStates(v, to: states) }
                if let name = original.name { try network.renameVariable(v, to: name) }
            } catch {
                let at = declaredAt[v]
                report(at(), "cannot restore the names recorded in the file: \(error.description)")
            }
        }
        if network.count == 0 && diagnostics.isEmpty {
            report(SourceLocation(file: file, line: 1, column: 1), "no variables found: the file declares no network")
        }
        if !diagnostics.isEmpty { throw FormatError(diagnostics) }
        return network
    }

    /// A list of names for hints, shortened past 12.
    static func list(_ names: [String]) -> String {
        let shown = names.prefix(12).map(Quote.short).joined(separator: ", ")
        return names.count <= 12 ? shown : shown + ", … (\(names.count) in all)"
    }
}
