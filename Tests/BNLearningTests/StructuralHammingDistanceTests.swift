import Testing
import BNCore
@testable import BNLearning

@Suite("Structural Hamming distance on equivalence classes")
struct StructuralHammingDistanceTests {
    // Nodes: 0, 1, 2.
    static let chain: [[Int]] = [[], [0], [1]]          // 0 → 1 → 2
    static let fork: [[Int]] = [[1], [], [1]]           // 0 ← 1 → 2
    static let collider: [[Int]] = [[], [0, 2], []]     // 0 → 1 ← 2

    @Test func equivalentDAGsAreAtDistanceZero() {
        #expect(StructuralHammingDistance.distance(Self.chain, Self.fork) == 0)
        #expect(StructuralHammingDistance.dagDistance(Self.chain, Self.fork) == 1)
        let g = StructuralHammingDistance.cpdag(parents: Self.chain)
        #expect(g.edgeCounts.directed == 0 && g.edgeCounts.undirected == 2)
    }

    @Test func vStructuresAreCompelled() {
        let g = StructuralHammingDistance.cpdag(parents: Self.collider)
        #expect(g.directed[0] == [1] && g.directed[2] == [1] && g.edgeCounts.undirected == 0)
        #expect(StructuralHammingDistance.distance(Self.chain, Self.collider) == 2)
        #expect(StructuralHammingDistance.distance(Self.chain, [[], [], []]) == 2)
        #expect(StructuralHammingDistance.distance(Self.collider, Self.collider) == 0)
    }

    /// Asia: the v-structures tub → either ← lung and bronc → dysp ← either are compelled,
    /// R1 then orients either → xray; asia — tub, smoke — lung and smoke — bronc stay undirected.
    @Test func asiaCPDAG() {
        let names = ["asia", "tub", "smoke", "lung", "bronc", "either", "xray", "dysp"]
        func i(_ n: String) -> Int { names.firstIndex(of: n)! }
        var parents = [[Int]](repeating: [], count: names.count)
        for (p, c) in [("asia", "tub"), ("smoke", "lung"), ("smoke", "bronc"), ("tub", "either"), ("lung", "either"),
                       ("either", "xray"), ("bronc", "dysp"), ("either", "dysp")] { parents[i(c)].append(i(p)) }
        let g = StructuralHammingDistance.cpdag(parents: parents)
        var directed = Set<[String]>()
        for a in names.indices { for b in g.directed[a] { directed.insert([names[a], names[b]]) } }
        #expect(directed == [["tub", "either"], ["lung", "either"], ["bronc", "dysp"], ["either", "dysp"], ["either", "xray"]])
        #expect(g.edgeCounts.undirected == 3)
        #expect(g.undirected[i("asia")] == [i("tub")])
        // Reversing asia → tub stays in the class; reversing either → xray does not.
        var flipped = parents
        flipped[i("tub")].removeAll { $0 == i("asia") }
        flipped[i("asia")].append(i("tub"))
        #expect(StructuralHammingDistance.distance(parents, flipped) == 0)
        var bad = parents
        bad[i("xray")] = []
        bad[i("either")].append(i("xray"))
        #expect(StructuralHammingDistance.distance(parents, bad) >= 1)
        #expect(StructuralHammingDistance.dagDistance(parents, bad) == 1)
    }
}
