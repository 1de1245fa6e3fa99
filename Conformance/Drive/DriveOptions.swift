import Foundation
import HandoffRouting

/// What `handoff verify --drive` drives and how patiently.
public struct DriveOptions: Sendable {
    /// Rasa's own example callback URL, the default for ``callback``.
    public static let defaultCallback = "http://127.0.0.1:5034/bot"

    /// The connector's base URL (`--drive`); it must be on loopback.
    public var driver: String
    /// How the suite speaks to the connector as its end users. Default ``DriveChannel/handoff``.
    public var channel: DriveChannel
    /// With ``DriveChannel/rasa``: the URL the suite listens on for the connector's later messages (Rasa's
    /// callback channel); it must be on loopback. Default `http://127.0.0.1:5034/bot`.
    public var callback: String
    /// When given, DRV-001 checks that the conversation went to the team these rules pick for its context.
    public var rules: RoutingRules?
    /// The longest wait for something the user or the support side should see. Default 10 s.
    public var timeout: Duration
    /// The longest wait for one HTTP answer, from the connector or the support side, in whole seconds: one second
    /// more than ``timeout`` and never under ``minimumCallSeconds``. A short `timeout` shortens the waits for
    /// effects, not the patience with a busy (but answering) connector: a slow answer is not a missing one.
    public var callSeconds: Int64 { max(Self.minimumCallSeconds, timeout.components.seconds + 1) }
    /// The floor of ``callSeconds``.
    public static let minimumCallSeconds: Int64 = 15
    /// Run only cases whose id matches one of these globs; empty runs all.
    public var only: [String]

    /// Creates options.
    public init(
        driver: String, channel: DriveChannel = .handoff, callback: String = DriveOptions.defaultCallback,
        rules: RoutingRules? = nil, timeout: Duration = .seconds(10), only: [String] = []
    ) {
        self.driver = driver
        self.channel = channel
        self.callback = callback
        self.rules = rules
        self.timeout = timeout
        self.only = only
    }

    /// Throws ``DriveError`` unless the driver (and, for Rasa, the callback) is an `http` URL on loopback.
    public func validate() throws {
        _ = try LoopbackURL(driver, role: "--drive")
        if channel == .rasa { _ = try LoopbackURL(callback, role: "--callback") }
        if timeout <= .zero { throw DriveError(description: "--timeout must be more than 0 s") }
    }
}

/// Driver mode cannot start: a URL is not on loopback, or the callback cannot be served. Its description
/// is one line.
public struct DriveError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, in one line.
    public var description: String

    /// Creates an error.
    public init(description: String) {
        self.description = description
    }
}

/// An `http` URL whose host is this machine (127.0.0.0/8, `::1` or `localhost`): the suite sends nothing
/// off this machine and listens nowhere else.
struct LoopbackURL: Sendable {
    /// The host to bind or call, as written (brackets removed).
    var host: String
    /// The port, 80 when the URL names none.
    var port: Int
    /// The path, `/` when the URL names none.
    var path: String

    init(_ text: String, role: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let rawHost = components.host, !rawHost.isEmpty
        else {
            throw DriveError(description: "\(role) \(text): not a URL such as http://127.0.0.1:5005")
        }
        guard scheme == "http" else {
            throw DriveError(description: "\(role) \(text): only http:// is supported (the connector runs on this machine)")
        }
        let host = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard Self.isLoopback(host) else {
            throw DriveError(
                description:
                    "\(role) \(text): '\(host)' is not this machine; the suite only drives and listens on loopback "
                    + "(127.0.0.1, ::1 or localhost)")
        }
        self.host = host
        self.port = components.port ?? 80
        self.path = components.path.isEmpty ? "/" : components.path
    }

    /// True for `localhost`, `::1` and any 127.x.y.z address.
    static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "0:0:0:0:0:0:0:1" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part).map { _ in true } ?? false }
    }
}
