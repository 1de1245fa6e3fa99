import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The loopback-only rule, checked again when a delivery is sent: a URL stored before the rule, or a name
/// that resolves somewhere else now, is refused as a failed attempt rather than called.
enum DeliveryAddressCheck {
    /// Why `url` may not be called now, or nil when it may. With `allowRemote` every http(s) URL may.
    static func refusal(_ url: String, allowRemote: Bool) -> String? {
        guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty else { return "not a URL: \(url.prefix(80))" }
        if allowRemote { return nil }
        if WebhookURLPolicy.isLoopback(host) && host != "localhost" { return nil }
        let addresses = resolve(host)
        if addresses.isEmpty { return "refused: '\(host)' does not resolve" }
        if let outside = addresses.first(where: { !isLoopbackAddress($0) }) {
            return "refused: '\(host)' resolves to \(outside), not loopback (start the mock with --allow-remote-webhooks to allow it)"
        }
        return nil
    }

    /// The numeric addresses a name resolves to (an address literal resolves to itself).
    static func resolve(_ host: String) -> [String] {
        let name = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// 127.0.0.0/8 or ::1.
    static func isLoopbackAddress(_ address: String) -> Bool {
        address == "::1" || address.hasPrefix("127.") || address.hasPrefix("::ffff:127.")
    }
}
