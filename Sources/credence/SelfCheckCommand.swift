import ArgumentParser

struct SelfCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "selfcheck", abstract: "Check the factor core against a scalar reference.")
    func run() throws { print("selfcheck") }
}
