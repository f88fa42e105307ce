import Testing
import BNCore
import BNInference

@Suite("Forward sampling")
struct ForwardSamplerTests {
    /// Rain → WetGrass ← Sprinkler, Rain → Sprinkler.
    func sprinkler() throws -> BayesianNetwork {
        var net = BayesianNetwork(name: "sprinkler")
        let r = try net.addVariable(Variable(name: "Rain", states: ["yes", "no"]))
        let s = try net.addVariable(Variable(name: "Sprinkler", states: ["on", "off"]))
        let w = try net.addVariable(Variable(name: "Wet", states: ["yes", "no"], role: .latent))
        try net.addEdge(from: r, to: s)
        try net.addEdge(from: r, to: w)
        try net.addEdge(from: s, to: w)
        try net.setCPT(r, Factor(scope: net.familyScope(of: r), values: [0.2, 0.8]))
        try net.setCPT(s, Factor(scope: net.familyScope(of: s), values: [0.01, 0.99, 0.4, 0.6]))
        try net.setCPT(w, Factor(scope: net.familyScope(of: w), values: [0.99, 0.01, 0.8, 0.2, 0.9, 0.1, 0.0, 1.0]))
        return net
    }

    @Test func frequenciesMatchTheJointByEnumeration() throws {
        let net = try sprinkler()
        let data = ForwardSampler(net).sample(rows: 200_000, seed: 3)
        // P(Wet = yes) = Σ_{r,s} P(r) P(s|r) P(w=yes|r,s)
        let exact = 0.2 * (0.01 * 0.99 + 0.99 * 0.8) + 0.8 * (0.4 * 0.9 + 0.6 * 0.0)
        let freq = Double(data.columns[2].filter { $0 == 0 }.count) / 200_000
        #expect(abs(freq - exact) < 0.005)
        // P(Sprinkler = on) = 0.2·0.01 + 0.8·0.4
        let on = Double(data.columns[1].filter { $0 == 0 }.count) / 200_000
        #expect(abs(on - 0.322) < 0.005)
        // Impossible configurations never appear: Rain = no, Sprinkler = off ⇒ Wet = no.
        for i in 0..<200_000 where data.columns[0][i] == 1 && data.columns[1][i] == 1 {
            #expect(data.columns[2][i] == 1)
        }
    }

    @Test func interventionsMissingnessAndSeeds() throws {
        let net = try sprinkler()
        let sampler = ForwardSampler(net)
        let forced = sampler.sample(rows: 1_000, seed: 1, options: .init(interventions: [1: 0]))
        #expect(forced.columns[1].allSatisfy { $0 == 0 })
        let gappy = sampler.sample(rows: 50_000, seed: 2, options: .init(missing: 0.2, missingColumns: [0, 1], dropLatent: true))
        #expect(gappy.names == ["Rain", "Sprinkler"])
        let hidden = Double(gappy.missingCount) / 100_000
        #expect(abs(hidden - 0.2) < 0.01)
        #expect(sampler.sample(rows: 500, seed: 9) == sampler.sample(rows: 500, seed: 9))
        #expect(sampler.sample(rows: 500, seed: 9) != sampler.sample(rows: 500, seed: 10))
    }
}
