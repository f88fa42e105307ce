import BNCore

/// Checks the statements of a `.bn` file against each other and builds the network: names
/// are resolved, states and parents checked against the structure line, cycles named, and
/// every table row validated. Like the parser it collects every problem (located by byte
/// offset) instead of stopping at the first.
///
/// Row normalisation: a row must sum to 1 within `BayesianNetwork.normalizationTolerance`
/// (1e-6). A row whose sum is 1 up to floating-point rounding (|Σ − 1| ≤ 1e-12) is kept bit
/// for bit, so a printed table reads back as the same Doubles; any other accepted row is
/// divided by its sum, as `BayesianNetwork.setCPT` does.
struct BNResolver {
    private(set) var problems: BNProblems
    private let syntax: BNSyntax
    private var network: BayesianNetwork
    private var broken: Set<String>
    private var declaredAt: [Int] = []
    private var tableAt: [Int?] = []
    private var declaredNames: [String: Int] = [:]
    private var structureEntries: [Int: (parents: [Int]?, offset: Int)] = [:]
    private let entryLimit: Int
    /// State name → index, per variable, built on first use.
    private var stateIndex: [Int: [String: Int]] = [:]

    /// Rows whose sum is within this of 1 are already normalised (up to rounding).
    static let roundingSlack = 1e-12

    init(syntax: BNSyntax, problems: BNProblems, defaultName: String) {
        self.syntax = syntax
        self.problems = problems
        broken = syntax.brokenVariables
        network = BayesianNetwork(name: defaultName)
        let (big, overflow) = problems.bytes.count.multipliedReportingOverflow(by: 64)
        entryLimit = max(1 << 22, overflow ? Int.max : big)
    }

    private mutating func report(_ offset: Int, _ message: String, hint: String? = nil) {
        problems.report(offset, message, hint: hint)
    }

    /// Builds the document, or nil when there were problems (they are in `problems`).
    mutating func resolve() -> BNDocument? {
        header()
        declareVariables()
        readStructure()
        for t in syntax.tables { table(t) }
        for v in 0..<network.count where tableAt[v] == nil && network.variables[v].role == .decision {
            // A decision needs no table: its parents (what it observes) may come from the structure.
            tableAt[v] = declaredAt[v]
            if let ps = structureEntries[v]?.parents {
                do { try network.setParents(v, to: ps) } catch { report(declaredAt[v], error.description) }
            }
        }
        for v in 0..<network.count where tableAt[v] == nil && !syntax.brokenTables.contains(network.variables[v].name) {
            let name = network.variables[v].name
            let parents = (structureEntries[v]?.parents ?? []).map { network.variables[$0].name }
            let h = BNSyntax.heading(name, parents)
            report(declaredAt[v], "variable \(Quote.name(name)) has no probability table",
                   hint: parents.isEmpty ? "add \(h) = { … } or \(h) = uniform" : "add \(h) { (…): … } or \(h) = uniform")
        }
        let question = self.question()
        let utilities = self.utilities()
        let order = decisionOrder()
        if syntax.limid.count > 1 { report(syntax.limid[1], "a second 'limid' statement", hint: "the first is at \(problems.place(syntax.limid[0]))") }
        if network.count == 0 && problems.isEmpty && syntax.brokenVariables.isEmpty {
            report(0, "the file declares no variables",
                   hint: "a model needs 'variable Name { state1, state2 }' and a table 'P(Name) = …' for each variable")
        }
        guard problems.isEmpty else { return nil }
        var doc = BNDocument(network: network, evidence: question.evidence, interventions: question.interventions,
                             query: question.query)
        doc.utilities = utilities
        doc.decisionOrder = order
        doc.limited = !syntax.limid.isEmpty
        do {
            _ = try doc.influenceDiagram()
        } catch {
            report(syntax.orders.first?.offset ?? 0, error.description)
            return nil
        }
        return doc
    }

    // MARK: decisions

    /// `utility` statements: names unique, parents known, one value per parent
    /// configuration (rows keyed by parent states, or a whole table).
    private mutating func utilities() -> [UtilityNode] {
        var out: [UtilityNode] = []
        var seen: [String: Int] = [:]
        for u in syntax.utilities {
            let name = u.name.text
            if let v = declaredNames[name] {
                report(u.name.offset, "utility \(Quote.name(name)) has the name of a variable", hint: "the variable is declared at \(problems.place(v))")
                continue
            }
            if let first = seen[name] {
                report(u.name.offset, "utility \(Quote.name(name)) is declared twice", hint: "it is first declared at \(problems.place(first))")
                continue
            }
            seen[name] = u.name.offset
            var ps: [Int] = []
            var ok = true
            for p in u.parents {
                guard let v = lookup(p) else { ok = false; continue }
                if ps.contains(v) {
                    report(p.offset, "parent \(Quote.name(p.text)) of the utility \(Quote.name(name)) is listed twice")
                    ok = false
                }
                ps.append(v)
            }
            guard ok else { continue }
            let cards = ps.map { network.variables[$0].cardinality }
            let count = cards.reduce(1, *)
            let heading = "utility \(name)" + (ps.isEmpty ? "" : " | \(ps.map { network.variables[$0].name }.joined(separator: ", "))")
            switch u.body {
            case .values(let values):
                guard values.count == count else {
                    report(values.count > count ? values[count].offset : u.offset,
                           "\(heading) has \(values.count) \(values.count == 1 ? "value" : "values"); expected \(count) (one per parent configuration, last parent fastest)",
                           hint: count > 1 ? "or write rows: \(heading) { \(rowText(ps, 0)): u … }" : nil)
                    continue
                }
                out.append(UtilityNode(name: name, label: u.label, parents: ps, values: values.map(\.value)))
            case .rows(let rows, let incomplete):
                var values = [Double](repeating: 0, count: count)
                var givenAt = [Int](repeating: -1, count: count)
                var defaultValue: Double? = nil
                var rowsOK = !incomplete
                for row in rows {
                    guard let key = row.key else {
                        if defaultValue != nil { report(row.offset, "a second default row in \(heading)"); rowsOK = false }
                        defaultValue = row.value
                        continue
                    }
                    guard key.count == ps.count else {
                        report(row.offset, "the row \(BNSyntax.rowText(key.map(\.text))) of \(heading) names \(key.count) parent states; expected \(ps.count)",
                               hint: "give one state of each parent, in the order of \(heading)")
                        rowsOK = false
                        continue
                    }
                    var r = 0
                    var keyOK = true
                    for (j, st) in key.enumerated() {
                        guard let i = state(ps[j], st, " (in the row \(BNSyntax.rowText(key.map(\.text))) of \(heading))") else { keyOK = false; continue }
                        r = r * cards[j] + i
                    }
                    guard keyOK else { rowsOK = false; continue }
                    if givenAt[r] >= 0 {
                        report(row.offset, "duplicate row \(BNSyntax.rowText(key.map(\.text))) in \(heading)", hint: "it is first given at \(problems.place(givenAt[r]))")
                        rowsOK = false
                        continue
                    }
                    givenAt[r] = row.offset
                    values[r] = row.value
                }
                let missing = (0..<count).filter { givenAt[$0] < 0 }
                if let d = defaultValue { for r in missing { values[r] = d } }
                else if !missing.isEmpty && rowsOK {
                    let listed = missing.prefix(6).map { rowText(ps, $0) }.joined(separator: ", ")
                    report(u.offset, "\(heading) has no row for \(listed)" + (missing.count > 6 ? ", … (\(missing.count) rows missing in all)" : ""),
                           hint: "add the missing rows or a 'default: u' row")
                    rowsOK = false
                }
                if rowsOK { out.append(UtilityNode(name: name, label: u.label, parents: ps, values: values)) }
            }
        }
        return out
    }

    /// `order { D1, D2 }`: decisions only, each once, every decision listed.
    private mutating func decisionOrder() -> [String] {
        guard let first = syntax.orders.first else { return [] }
        for extra in syntax.orders.dropFirst() {
            report(extra.offset, "a second decision order", hint: "the first is at \(problems.place(first.offset))")
        }
        var out: [String] = []
        for n in first.decisions {
            guard let v = lookup(n) else { continue }
            if network.variables[v].role != .decision {
                report(n.offset, "\(Quote.name(n.text)) is in the decision order but is not a decision",
                       hint: "mark it: variable \(n.text) { … } decision")
                continue
            }
            if out.contains(n.text) { report(n.offset, "decision \(Quote.name(n.text)) is listed twice in the order"); continue }
            out.append(n.text)
        }
        let missing = (0..<network.count).filter { network.variables[$0].role == .decision && !out.contains(network.variables[$0].name) }
        if !missing.isEmpty {
            report(first.offset, "the decision order does not list \(missing.map { Quote.name(network.variables[$0].name) }.joined(separator: ", "))",
                   hint: "list every decision once, earliest first")
        }
        return out
    }

    // MARK: names

    /// The index of a named variable; reports an unknown name (not one whose declaration
    /// was already reported as broken).
    private mutating func lookup(_ n: BNSyntax.Name) -> Int? {
        if let v = network.index(of: n.text) { return v }
        if broken.contains(n.text) || declaredNames[n.text] != nil { return nil }
        let names = network.names
        report(n.offset, "unknown variable \(Quote.name(n.text))",
               hint: NameSuggestion.closest(to: n.text, in: names).map { "did you mean \(Quote.name($0))?" }
                   ?? (names.isEmpty ? "no variable is declared" : "declared variables: \(Self.list(names))"))
        return nil
    }

    /// The index of a state of `v`; reports an unknown state with the allowed ones.
    private mutating func state(_ v: Int, _ s: BNSyntax.Name, _ context: @autoclosure () -> String) -> Int? {
        if stateIndex[v] == nil {
            stateIndex[v] = Dictionary(network.variables[v].states.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        }
        if let i = stateIndex[v]![s.text] { return i }
        let variable = network.variables[v]
        let hint = NameSuggestion.closest(to: s.text, in: variable.states).map { "did you mean \(Quote.name($0))? " } ?? ""
        report(s.offset, "\(Quote.name(s.text)) is not a state of \(Quote.name(variable.name))\(context())",
               hint: hint + "the states of \(variable.name) are \(Self.list(variable.states))")
        return nil
    }

    /// A sum for messages, rounded to 12 decimals (0.9, not 0.8999999999999999).
    static func shown(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 1e6 else { return "\(x)" }
        return "\((x * 1e12).rounded() / 1e12)"
    }

    /// A list of names for messages, shortened past 12.
    static func list(_ names: [String]) -> String {
        names.count <= 12 ? names.joined(separator: ", ")
            : names.prefix(12).joined(separator: ", ") + ", … (\(names.count) in all)"
    }

    // MARK: declarations

    private mutating func header() {
        guard let first = syntax.networks.first else { return }
        for extra in syntax.networks.dropFirst() {
            report(extra.offset, "a second network header", hint: "the first is at \(problems.place(first.offset))")
        }
        network.name = first.name.text
        network.label = first.label
        network.description = first.description
    }

    private mutating func declareVariables() {
        for d in syntax.variables {
            let name = d.name.text
            if let first = declaredNames[name] {
                report(d.name.offset, "variable \(Quote.name(name)) is declared twice", hint: "it is first declared at \(problems.place(first))")
                continue
            }
            declaredNames[name] = d.name.offset
            if d.states.isEmpty {
                report(d.name.offset, "variable \(Quote.name(name)) has no states", hint: "variable \(name) { yes, no }")
                broken.insert(name)
                continue
            }
            var seen: [String: Int] = [:]
            var ok = true
            for s in d.states {
                if let first = seen[s.text] {
                    report(s.offset, "variable \(Quote.name(name)) lists state \(Quote.name(s.text)) twice", hint: "it is first listed at \(problems.place(first))")
                    ok = false
                } else {
                    seen[s.text] = s.offset
                }
            }
            guard ok else { broken.insert(name); continue }
            let variable = Variable(name: name, states: d.states.map(\.text), label: d.label,
                                    description: d.description, role: d.role, cutPoints: d.cutPoints?.values,
                                    derivation: d.derivation?.value)
            if let cuts = d.cutPoints, let problem = variable.cutPointsProblem {
                report(cuts.offset, problem, hint: "\(d.states.count) states take \(d.states.count - 1) increasing cut points: state i holds c(i-1) < x <= c(i)")
                broken.insert(name)
                continue
            }
            if let derived = d.derivation {
                let problem = derived.value.problem
                    ?? (d.role != .chance ? "a \(d.role.rawValue) variable cannot be derived from data columns" : nil)
                    ?? (d.cutPoints == nil ? "\(Quote.name(name)) is derived from data columns, so it needs cut points giving its intervals" : nil)
                if let problem {
                    report(derived.offset, problem, hint: "variable \(name) { low, high } cuts [72.8] from 1 * day_charge + 1 * eve_charge")
                    broken.insert(name)
                    continue
                }
            }
            do {
                try network.addVariable(variable)
                declaredAt.append(d.name.offset)
                tableAt.append(nil)
            } catch {
                report(d.name.offset, error.description)
                broken.insert(name)
            }
        }
    }

    /// Resolves a parent list: unknown names, repeats and self-loops are reported.
    private mutating func parents(of child: Int, _ names: [BNSyntax.Name]) -> [Int]? {
        var out: [Int] = []
        var ok = true
        let childName = network.variables[child].name
        for p in names {
            guard let v = lookup(p) else { ok = false; continue }
            if v == child {
                report(p.offset, "\(Quote.name(childName)) cannot be its own parent")
                ok = false
            } else if out.contains(v) {
                report(p.offset, "parent \(Quote.name(p.text)) of \(Quote.name(childName)) is listed twice")
                ok = false
            } else {
                out.append(v)
            }
        }
        return ok ? out : nil
    }

    private mutating func readStructure() {
        for e in syntax.structure {
            guard let c = lookup(e.child) else { continue }
            if let first = structureEntries[c] {
                report(e.child.offset, "\(Quote.name(e.child.text)) appears twice in the structure",
                       hint: "it first appears at \(problems.place(first.offset))")
                continue
            }
            structureEntries[c] = (parents(of: c, e.parents), e.child.offset)
        }
    }

    // MARK: tables

    private mutating func table(_ t: BNSyntax.TableStatement) {
        guard let c = lookup(t.child) else { return }
        let childName = t.child.text
        let heading = BNSyntax.heading(childName, t.parents.map(\.text))
        if let first = tableAt[c] {
            report(t.offset, "a second probability table for \(Quote.name(childName))", hint: "the first is at \(problems.place(first))")
            return
        }
        tableAt[c] = t.offset
        guard let ps = parents(of: c, t.parents) else { return }
        if let s = structureEntries[c], let sp = s.parents, Set(sp) != Set(ps) {
            let given = sp.isEmpty ? "no parents" : "the parents \(sp.map { network.variables[$0].name }.joined(separator: ", "))"
            report(t.offset, "\(heading) does not match the structure, which gives \(Quote.name(childName)) \(given)",
                   hint: "the structure entry is at \(problems.place(s.offset)); list the same parents in both places")
            return
        }
        let k = network.variables[c].cardinality
        var entries = k
        for p in ps {
            let (e, overflow) = entries.multipliedReportingOverflow(by: network.variables[p].cardinality)
            if overflow || e > entryLimit {
                report(t.offset, "the table \(heading) would have more than \(entryLimit) entries",
                       hint: "\(k) states × " + ps.map { "\(network.variables[$0].cardinality)" }.joined(separator: " × ") + " parent states")
                return
            }
            entries = e
        }
        let budget = MemoryBudget.current.bytes
        if entries > budget / MemoryLayout<Double>.stride {
            report(t.offset, "the table \(heading) has \(entries) entries, more than the memory budget of \(budget) bytes allows",
                   hint: "raise CREDENCE_MEMORY_BUDGET or give \(Quote.name(childName)) fewer parents")
            return
        }
        do {
            try network.setParents(c, to: ps)
        } catch {
            if case .cycle(let path) = error {
                report(t.offset, "the parents of \(Quote.name(childName)) close the directed cycle \(path.joined(separator: " -> "))",
                       hint: "a Bayesian network must be acyclic")
            } else {
                report(t.offset, error.description)
            }
            return
        }
        let values: [Double]?
        switch t.body {
        case .distribution(let d): values = wholeTable(c, ps, d, heading)
        case .rows(let rows, let incomplete): values = rowTable(c, ps, rows, incomplete, heading, t.offset)
        }
        guard let values else { return }
        do {
            let f = try Factor(scope: network.familyScope(of: c), values: values)
            try network.setCPT(c, f, renormalizing: false)
        } catch {
            report(t.offset, "the table \(heading) cannot be stored: \(error)")
        }
    }

    /// The parent states of row `r` as `(a1, b1)`.
    private func rowText(_ ps: [Int], _ r: Int) -> String { Self.rowText(network, ps, r) }

    private static func rowText(_ network: BayesianNetwork, _ ps: [Int], _ r: Int) -> String {
        var r = r
        var states: [String] = []
        for p in ps.reversed() {
            let c = network.variables[p].cardinality
            states.append(network.variables[p].states[r % c])
            r /= c
        }
        return BNSyntax.rowText(states.reversed())
    }

    /// The k values of a distribution over `v`'s states; `what` names it in messages.
    private mutating func values(of d: BNSyntax.Distribution, _ v: Int, _ what: @autoclosure () -> String, weights: Bool = false) -> [Double]? {
        guard d.valid else { return nil }
        let k = network.variables[v].cardinality
        switch d.form {
        case .uniform:
            return [Double](repeating: 1 / Double(k), count: k)
        case .numbers(let xs):
            if xs.count == k { return xs }
            let variable = network.variables[v]
            let unit = weights ? (xs.count == 1 ? "weight" : "weights") : (xs.count == 1 ? "probability" : "probabilities")
            report(d.offset, "\(what()) has \(xs.count) \(unit); expected \(k), one per state of \(Quote.name(variable.name))",
                   hint: "the states of \(variable.name) are \(Self.list(variable.states))")
            return nil
        case .named(let entries):
            let variable = network.variables[v]
            let what = what()
            var out = [Double](repeating: .nan, count: k)
            var ok = true
            for (n, x) in entries {
                guard let s = state(v, n, " in \(what)") else { ok = false; continue }
                if !out[s].isNaN {
                    report(n.offset, "state \(Quote.name(n.text)) is given twice in \(what)")
                    ok = false
                    continue
                }
                out[s] = x
            }
            guard ok else { return nil }
            let missing = (0..<k).filter { out[$0].isNaN }.map { variable.states[$0] }
            if !missing.isEmpty {
                report(d.offset, "\(what) gives no \(weights ? "weight" : "probability") for \(missing.count == 1 ? "state" : "states") \(Self.list(missing))",
                       hint: "give every state of \(variable.name): \(Self.list(variable.states))")
                return nil
            }
            return out
        }
    }

    /// Checks that a row sums to 1 within the tolerance and rescales it unless it does up
    /// to rounding.
    private mutating func normalize(_ row: inout [Double], _ what: @autoclosure () -> String, at offset: Int) -> Bool {
        var s = 0.0
        for x in row { s += x }
        guard abs(s - 1) <= BayesianNetwork.normalizationTolerance else {
            report(offset, "\(what()) sums to \(Self.shown(s)), not 1",
                   hint: "each row must sum to 1 (within \(BayesianNetwork.normalizationTolerance))")
            return false
        }
        if abs(s - 1) > Self.roundingSlack {
            for i in row.indices { row[i] /= s }
        }
        return true
    }

    /// `P(X | …) = uniform | p p p … | { s: p }`.
    private mutating func wholeTable(_ c: Int, _ ps: [Int], _ d: BNSyntax.Distribution, _ heading: String) -> [Double]? {
        guard d.valid else { return nil }
        let k = network.variables[c].cardinality
        let rows = ps.reduce(1) { $0 * network.variables[$1].cardinality }
        switch d.form {
        case .uniform:
            return [Double](repeating: 1 / Double(k), count: rows * k)
        case .named:
            guard rows == 1 else {
                report(d.offset, "\(heading) = { … } gives one distribution, but the table has \(rows) rows",
                       hint: "write \(heading) { (…): p p … } with one row per parent configuration, or a 'default: { … }' row")
                return nil
            }
            guard var row = values(of: d, c, heading) else { return nil }
            return normalize(&row, heading, at: d.offset) ? row : nil
        case .numbers(let xs):
            guard xs.count == rows * k else {
                let name = network.variables[c].name
                if rows == 1 {
                    report(d.offset, "\(heading) has \(xs.count) \(xs.count == 1 ? "probability" : "probabilities"); expected \(k), one per state of \(Quote.name(name))",
                           hint: "the states of \(name) are \(Self.list(network.variables[c].states))")
                } else {
                    report(d.offset, "\(heading) has \(xs.count) probabilities; expected \(rows * k) (\(rows) rows × \(k) states of \(Quote.name(name)))",
                           hint: "a whole table lists the rows in order, the last parent varying fastest")
                }
                return nil
            }
            var out = xs
            var ok = true
            let net = network
            for r in 0..<rows {
                var row = Array(out[(r * k)..<((r + 1) * k)])
                let at = r * k < d.valueOffsets.count ? d.valueOffsets[r * k] : d.offset
                if normalize(&row, rows == 1 ? heading : "the row \(Self.rowText(net, ps, r)) of \(heading)", at: at) {
                    out.replaceSubrange((r * k)..<((r + 1) * k), with: row)
                } else {
                    ok = false
                }
            }
            return ok ? out : nil
        }
    }

    /// `P(X | …) { (a, b): … default: … }`.
    private mutating func rowTable(_ c: Int, _ ps: [Int], _ rows: [BNSyntax.Row], _ incomplete: Bool,
                                   _ heading: String, _ tableOffset: Int) -> [Double]? {
        // A row that could not be read or placed may be the one that looks missing.
        var incomplete = incomplete
        let k = network.variables[c].cardinality
        let cards = ps.map { network.variables[$0].cardinality }
        let count = cards.reduce(1, *)
        var out = [Double](repeating: 0, count: count * k)
        var givenAt = [Int](repeating: -1, count: count)
        var defaultRow: [Double]? = nil
        var defaultAt = -1
        var ok = true
        let parentStates = ps.map { network.variables[$0].states }
        var lastState = [Int](repeating: 0, count: ps.count)
        for row in rows {
            guard let key = row.key else {
                if defaultAt >= 0 {
                    report(row.offset, "a second default row in \(heading)", hint: "the first is at \(problems.place(defaultAt))")
                    ok = false
                    continue
                }
                defaultAt = row.offset
                let what = "the default row of \(heading)"
                guard var values = values(of: row.distribution, c, what), normalize(&values, what, at: row.offset) else {
                    ok = false
                    continue
                }
                defaultRow = values
                continue
            }
            func keyText() -> String { BNSyntax.rowText(key.map(\.text)) }
            guard key.count == ps.count else {
                let keyText = keyText()
                let names = ps.map { network.variables[$0].name }
                report(row.offset, "the row \(keyText) of \(heading) names \(key.count) parent \(key.count == 1 ? "state" : "states"); expected \(ps.count)"
                       + (ps.isEmpty ? "" : " (\(names.joined(separator: ", ")))"),
                       hint: ps.isEmpty ? "a table without parents has the single row (), or write \(heading) = …" : "give one state of each parent, in the order of \(heading)")
                ok = false
                incomplete = true
                continue
            }
            var r = 0
            var keyOK = true
            for (j, s) in key.enumerated() {
                // Rows usually follow the table order: try the state of the previous row and
                // the next one before looking the name up.
                let states = parentStates[j]
                var i = lastState[j]
                if states[i] != s.text {
                    i += 1
                    if i == states.count || states[i] != s.text {
                        guard let found = state(ps[j], s, " (in the row \(keyText()) of \(heading))") else { keyOK = false; continue }
                        i = found
                    }
                }
                lastState[j] = i
                r = r * cards[j] + i
            }
            guard keyOK else { ok = false; incomplete = true; continue }
            if givenAt[r] >= 0 {
                report(row.offset, "duplicate row \(keyText()) in \(heading)", hint: "it is first given at \(problems.place(givenAt[r]))")
                ok = false
                continue
            }
            givenAt[r] = row.offset
            guard var values = values(of: row.distribution, c, "the row \(keyText()) of \(heading)"),
                  normalize(&values, "the row \(keyText()) of \(heading)", at: row.offset) else {
                ok = false
                continue
            }
            out.replaceSubrange((r * k)..<((r + 1) * k), with: values)
        }
        var missing: [Int] = []
        var missingCount = 0
        for r in 0..<count where givenAt[r] < 0 {
            if let d = defaultRow {
                out.replaceSubrange((r * k)..<((r + 1) * k), with: d)
            } else if defaultAt < 0 {
                missingCount += 1
                if missing.count < 6 { missing.append(r) }
            }
        }
        if missingCount > 0 && incomplete {
            ok = false
        } else if missingCount > 0 {
            var listed = missing.map { rowText(ps, $0) }.joined(separator: ", ")
            if missingCount > missing.count { listed += ", … (\(missingCount) rows missing in all)" }
            report(tableOffset, "\(heading) has no row for \(listed)",
                   hint: "add \(missingCount == 1 ? "the row" : "the rows") or a 'default: …' row for every configuration not listed")
            ok = false
        }
        return ok ? out : nil
    }

    // MARK: question

    private mutating func question() -> (evidence: [BNDocument.Finding], interventions: [BNDocument.Intervention], query: [String]) {
        var evidence: [BNDocument.Finding] = []
        var observedAt: [Int: Int] = [:]
        for f in syntax.evidence {
            guard let v = lookup(f.variable) else { continue }
            let name = network.variables[v].name
            if let first = observedAt[v] {
                report(f.variable.offset, "evidence on \(Quote.name(name)) is given twice", hint: "the first is at \(problems.place(first))")
                continue
            }
            observedAt[v] = f.variable.offset
            if let s = f.state {
                guard let i = state(v, s, " (evidence)") else { continue }
                evidence.append(.state(variable: name, state: network.variables[v].states[i]))
            } else if let d = f.likelihood {
                guard let w = values(of: d, v, "the soft evidence on \(Quote.name(name))", weights: true) else { continue }
                guard w.contains(where: { $0 > 0 }) else {
                    report(d.offset, "the soft evidence on \(Quote.name(name)) has only zero weights", hint: "at least one state must stay possible")
                    continue
                }
                evidence.append(.likelihood(variable: name, weights: w))
            }
        }
        var interventions: [BNDocument.Intervention] = []
        var doneAt: [Int: Int] = [:]
        for f in syntax.interventions {
            guard let v = lookup(f.variable), let s = f.state else { continue }
            let name = network.variables[v].name
            if let first = doneAt[v] {
                report(f.variable.offset, "\(Quote.name(name)) is set by do twice", hint: "the first is at \(problems.place(first))")
                continue
            }
            doneAt[v] = f.variable.offset
            if let seen = observedAt[v] {
                report(f.variable.offset, "\(Quote.name(name)) is both observed and set by do",
                       hint: "the evidence on it is at \(problems.place(seen)); keep one of the two")
                continue
            }
            guard let i = state(v, s, " (do)") else { continue }
            interventions.append(.init(variable: name, state: network.variables[v].states[i]))
        }
        var query: [String] = []
        var queriedAt: [Int: Int] = [:]
        for n in syntax.query {
            guard let v = lookup(n) else { continue }
            if let first = queriedAt[v] {
                report(n.offset, "\(Quote.name(n.text)) is queried twice", hint: "the first is at \(problems.place(first))")
                continue
            }
            queriedAt[v] = n.offset
            query.append(n.text)
        }
        return (evidence, interventions, query)
    }
}
