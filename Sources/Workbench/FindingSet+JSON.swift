import BNCore

/// The JSON form of findings, the same keys as a `credence query` request over HTTP:
/// `{"evidence": {"smoke": "yes"}, "soft": {"xray": [0.8, 0.2]}, "do": {"dysp": "yes"}}`
/// (each key optional, empty objects by default).
extension FindingSet: Codable {
    enum CodingKeys: String, CodingKey { case evidence, soft, interventions = "do" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(evidence: try c.decodeIfPresent([String: String].self, forKey: .evidence) ?? [:],
                  soft: try c.decodeIfPresent([String: [Double]].self, forKey: .soft) ?? [:],
                  interventions: try c.decodeIfPresent([String: String].self, forKey: .interventions) ?? [:])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(soft, forKey: .soft)
        try c.encode(interventions, forKey: .interventions)
    }
}
