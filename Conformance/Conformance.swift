import HandoffContract

/// The conformance suite's version, printed in reports. Cases arrive with the conformance issue.
public enum ConformanceSuite {
    /// The suite's version.
    public static let version = "0.1.0"
}
