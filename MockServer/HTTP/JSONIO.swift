import Foundation
import Hummingbird

/// Reading JSON bodies and query parameters with errors a client can act on, and writing JSON.
enum JSONIO {
    static let decoder = JSONDecoder()

    /// Decodes the body as `T`: 413 when too large, 415 for a non-JSON content type, 400 for
    /// malformed JSON, 422 naming the field for a missing field or a wrong type.
    ///
    /// A body that is valid JSON is read whatever its declared type (curl's `-d` says form data);
    /// a body that is not JSON under a non-JSON type is 415.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: MockRequestContext) async throws -> T {
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else {
            throw APIError(.badRequest, code: "invalid_json", detail: "A JSON body is required.")
        }
        let data = Data(buffer: buffer)
        // Parsed once, strictly: the journal keeps this value, and Foundation's decoder, which lets some malformed
        // JSON through (a trailing comma), only runs on a body the strict parser accepted.
        let parsed = JSONValueParser.parse(Array(buffer.readableBytesView))
        context.journalTicket?.record(body: parsed, size: buffer.readableBytes)
        if containsEscapedNUL(data) {
            throw APIError.invalidField("(body)", "strings must not contain NUL characters (\\u0000)")
        }
        let isJSON = request.headers[.contentType].map { $0.lowercased().contains("json") } ?? true
        if isJSON, parsed == nil {
            throw APIError(
                .badRequest, code: "invalid_json", detail: "The body is not valid JSON (RFC 8259: no trailing commas, no comments).")
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            if let contentType = request.headers[.contentType], !contentType.lowercased().contains("json"),
                (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil
            {
                throw APIError(
                    .unsupportedMediaType, code: "unsupported_media_type",
                    detail: "Send the body as application/json (got \(contentType)).")
            }
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty,
                (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
            {
                // Valid JSON the decoder still refused, e.g. a number no field type can hold (1e300 for a count).
                throw APIError.invalidField("(body)", context.debugDescription)
            }
            throw Self.problem(error)
        }
    }

    /// True when a JSON text holds the escape `\u0000` (SQLite text cannot keep a NUL).
    static func containsEscapedNUL(_ data: Data) -> Bool {
        let bytes = [UInt8](data)
        let pattern: [UInt8] = Array("u0000".utf8)
        var index = 1
        while index + pattern.count <= bytes.count {
            if bytes[index - 1] == UInt8(ascii: "\\"), Array(bytes[index..<index + pattern.count]) == pattern {
                var slashes = 0
                var back = index - 1
                while back >= 0 && bytes[back] == UInt8(ascii: "\\") {
                    slashes += 1
                    back -= 1
                }
                if slashes % 2 == 1 { return true }
            }
            index += 1
        }
        return false
    }

    /// Decodes the body when there is one, or returns `fallback` for an empty body.
    static func decodeOptional<T: Decodable>(
        _ type: T.Type, from request: Request, context: MockRequestContext, fallback: T
    ) async throws -> T {
        var copy = request
        let buffer = try await copy.collectBody(upTo: context.maxUploadSize)
        if buffer.readableBytes == 0 { return fallback }
        return try await decode(type, from: copy, context: context)
    }

    static func problem(_ error: DecodingError) -> APIError {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (last.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "(body)" : text.replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .invalidField(path(context.codingPath, key), "is required")
        case .typeMismatch(let type, let context):
            return .invalidField(path(context.codingPath), "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return .invalidField(path(context.codingPath), "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return APIError(.badRequest, code: "invalid_json", detail: "The body is not valid JSON.")
            }
            return .invalidField(path(context.codingPath), context.debugDescription)
        @unknown default:
            return APIError(.badRequest, code: "invalid_json", detail: "The body could not be read.")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int64.Type, is Double.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object or a value of the documented type"
        }
    }

    /// A JSON response.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try Rows.encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A 200 with a JSON body encoded earlier.
    static func response(encoded body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }

    /// An integer query parameter within bounds, or 400 `invalid_parameter`.
    static func intParameter(
        _ request: Request, _ context: MockRequestContext, _ name: String, default fallback: Int, range: ClosedRange<Int>
    ) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            if context.lenientQuery { return fallback }
            throw APIError.badParameter(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A non-empty, bounded string field, or 422 naming it.
    static func requireText(_ value: String?, field: String, max: Int = 65_536) throws -> String {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.invalidField(field, "must be a non-empty string")
        }
        guard value.utf8.count <= max else { throw APIError.invalidField(field, "is longer than \(max) bytes") }
        return value
    }
}

/// A list with the cursor for what follows.
struct ListResponse<Item: Encodable>: Encodable {
    var data: [Item]
    var next: String?
}
