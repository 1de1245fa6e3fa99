import HandoffContract

/// Where a face differs from the contract *by design*, passed by the face to the domain's operations.
///
/// The neutral API is the contract. Chatwoot's API is a support system that trusts its bot: it refuses no message
/// by the contract's rules (the bot must keep itself silent after a handoff) and a contact's message reopens a resolved
/// conversation. A conversation the bot closed is final on every face.
public struct FacePolicy: Sendable, Hashable {
    /// Whether a message is checked against the contract's ``MessageRules`` (otherwise only a closed conversation
    /// refuses it).
    public var checksMessageRules: Bool
    /// Whether a user's message into a resolved conversation reopens it (`bot` in an inbox with an agent bot, else
    /// `queued`).
    public var userMessageReopens: Bool

    /// The contract, as the neutral API speaks it.
    public static let neutral = FacePolicy(checksMessageRules: true, userMessageReopens: false)
    /// Chatwoot's behaviour, as its API speaks it.
    public static let chatwoot = FacePolicy(checksMessageRules: false, userMessageReopens: true)
}
