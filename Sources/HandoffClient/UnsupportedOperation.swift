/// The binding cannot do this on the target: the target has no such thing (Chatwoot has no event feed
/// and no team availability). Code `not_supported`.
public struct UnsupportedOperation: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was asked, e.g. `read the event feed`.
    public var operation: String
    /// Why the target cannot.
    public var reason: String

    /// Creates the error.
    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    /// The stable code, `not_supported`.
    public var code: String { "not_supported" }

    /// One line for people.
    public var description: String { "cannot \(operation): \(reason)" }
}
