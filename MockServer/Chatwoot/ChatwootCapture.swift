import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Appends every response of the Chatwoot face to a JSON Lines file (method, route template, status,
/// body), so a fidelity check can validate them against Chatwoot's official OpenAPI document.
/// Off unless `MockConfiguration.chatwootCapturePath` is set.
final class ChatwootCapture: Sendable {
    private let handle: Mutex<FileHandle?>

    init(path: String) {
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try? FileHandle(forWritingTo: url)
        _ = try? handle?.seekToEnd()
        self.handle = Mutex(handle)
    }

    func record(method: String, route: String, status: Int, body: String) {
        let line: [String: Any] = ["method": method, "route": route, "status": status, "body": body]
        guard var data = try? JSONSerialization.data(withJSONObject: line) else { return }
        data.append(0x0A)
        handle.withLock { try? $0?.write(contentsOf: data) }
    }
}

/// The middleware that feeds ``ChatwootCapture``.
struct ChatwootCaptureMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext
    let capture: ChatwootCapture

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        let buffer = try await CollectingWriter.collect(response.body)
        capture.record(
            method: request.method.rawValue, route: context.endpointPath ?? request.uri.path, status: response.status.code,
            body: String(buffer: buffer))
        response.body = .init(byteBuffer: buffer)
        return response
    }
}

/// Collects a response body into one buffer (the capture and the journal read what they answer).
enum CollectingWriter {
    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let box = Box()
        try await body.write(BoxWriter(box: box))
        return box.buffer.withLock { $0 }
    }

    final class Box: Sendable {
        let buffer = Mutex(ByteBuffer())
    }

    struct BoxWriter: ResponseBodyWriter {
        let box: Box
        mutating func write(_ buffer: ByteBuffer) async throws {
            var incoming = buffer
            box.buffer.withLock { $0.writeBuffer(&incoming) }
        }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
