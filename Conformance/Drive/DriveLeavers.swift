import Synchronization

/// The senders the driver made leave the chat (`POST /users/{sender}/leave` answered 2xx): `handoff verify`
/// then knows that closing their handed-off conversation before an agent acted was right.
public final class DriveLeavers: Sendable {
    private let senders = Mutex<Set<String>>([])

    /// Creates an empty record.
    public init() {}

    /// Records a sender who left.
    func record(_ sender: String) { senders.withLock { _ = $0.insert(sender) } }

    /// Every sender who left.
    public var all: Set<String> { senders.withLock { $0 } }
}

/// A channel that records every sender who left, around the channel that speaks to the connector.
struct LeaveRecordingChannel: EndUserChannel {
    let inner: any EndUserChannel
    let leavers: DriveLeavers

    var canLeave: Bool { inner.canLeave }
    func say(_ text: String, as sender: String) async throws -> [ReceivedMessage] { try await inner.say(text, as: sender) }
    func leave(_ sender: String) async throws {
        try await inner.leave(sender)
        leavers.record(sender)
    }
    func received(_ sender: String) async throws -> [ReceivedMessage] { try await inner.received(sender) }
}
