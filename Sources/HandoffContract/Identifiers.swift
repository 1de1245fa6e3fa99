/// Public ids are a kind prefix and a number (`usr_12`); the number is global, so another
/// workspace's id reads as not found rather than as someone else's record.
public enum EntityKind: String, Sendable, CaseIterable {
    /// A user.
    case user = "usr"
    /// A team.
    case team = "team"
    /// An agent.
    case agent = "agt"
    /// A conversation.
    case conversation = "cnv"
    /// A message.
    case message = "msg"
    /// An event.
    case event = "evt"
    /// A webhook subscription.
    case webhook = "whk"
    /// A webhook delivery.
    case delivery = "dlv"

    /// The public id for a row number.
    public func id(_ number: Int64) -> String { "\(rawValue)_\(number)" }

    /// The row number inside a public id of this kind, or nil when the id is not of this kind.
    public func number(from id: String) -> Int64? {
        guard id.hasPrefix(rawValue + "_") else { return nil }
        let digits = id.dropFirst(rawValue.count + 1)
        // Leading zeros are allowed (the document's pattern is `0*[1-9][0-9]{0,17}`); only the
        // significant digits must fit an Int64.
        let significant = digits.drop(while: { $0 == "0" })
        guard !digits.isEmpty, significant.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int64(significant), number > 0
        else { return nil }
        return number
    }
}
