import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Sends raw bytes to a loopback port and reads the answer until the peer closes or `timeout` passes:
/// for requests no HTTP client will send (broken framing, odd transfer codings, a hostile `Host`).
func rawHTTP(port: Int, _ request: String, timeout: Double = 3) async throws -> String {
    try await rawHTTP(port: port, request, timeout: timeout, halfClose: true)
}

/// Like ``rawHTTP(port:_:timeout:)`` but keeps its side of the connection open, as a slow or silent client does.
func rawHTTPHeld(port: Int, _ request: String, timeout: Double) async throws -> String {
    try await rawHTTP(port: port, request, timeout: timeout, halfClose: false)
}

private func rawHTTP(port: Int, _ request: String, timeout: Double, halfClose: Bool) async throws -> String {
    try await blockingRaw {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawHTTPError.failed("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw RawHTTPError.failed("connect() failed") }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, 0) }
        if halfClose { shutdown(fd, Int32(SHUT_WR)) }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while answer.count < 1 << 20 {
            let count = buffer.withUnsafeMutableBufferPointer { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            answer += buffer[0..<count]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}

enum RawHTTPError: Error { case failed(String) }

/// Runs blocking socket work off the cooperative pool.
private func blockingRaw<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
