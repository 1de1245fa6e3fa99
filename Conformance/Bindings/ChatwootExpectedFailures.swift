extension ChatwootBinding {
    /// The shipped list of contract cases Chatwoot fails by design (`Conformance/chatwoot-expected-failures.txt`,
    /// embedded in the binary), as `ID: reason` lines.
    public static let shippedExpectedFailuresText = String(
        decoding: PackageResources.chatwoot_expected_failures_txt, as: UTF8.self)

    /// The shipped list, case id → reason.
    public static func shippedExpectedFailures() throws -> [String: String] {
        try ExpectedFailureFile.parse(shippedExpectedFailuresText)
    }
}
