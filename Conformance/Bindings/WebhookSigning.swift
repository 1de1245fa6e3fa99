import Crypto
import Foundation
import HandoffContract

/// How both faces sign a webhook, checked from the receiving side: `sha256=` and the hex
/// HMAC-SHA256 of `"<timestamp>.<body>"` (``WebhookSignature/signedPayload(timestamp:body:)``) with the
/// subscription's secret — `X-Handoff-Signature` on the neutral face, `X-Chatwoot-Signature` on Chatwoot's.
public enum WebhookSigning {
    /// True when `signature` is `sha256=` and the hex HMAC-SHA256 of `"<timestamp>.<body>"` with `secret`.
    public static func isValid(timestamp: String?, signature: String?, body: [UInt8], secret: String) -> Bool {
        guard let timestamp, let signature, !secret.isEmpty else { return false }
        return constantTimeEqual(sign(timestamp: timestamp, body: body, secret: secret), signature)
    }

    /// The signature header value for a body: `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
    public static func sign(timestamp: String, body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: WebhookSignature.signedPayload(timestamp: timestamp, body: body), using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Compares two strings without stopping at the first difference.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(lhs.utf8, rhs.utf8) { difference |= x ^ y }
        return difference == 0
    }
}
