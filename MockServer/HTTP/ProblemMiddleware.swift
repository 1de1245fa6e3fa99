import HandoffContract
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1

import struct GRDB.DatabaseError

/// Turns every error into a problem+json response: contract errors with their codes, unknown
/// routes into 404 or 405, oversized bodies into 413, and anything unexpected into a logged 500
/// whose body names no internals.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext
    let routes: RouteRecorder
    let defects: Set<Defect>
    /// Says once, in the log, that the database's disk is full.
    var diskFull = DiskFullReport(path: nil)

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ChatwootError where !defects.contains(.cwProblemJSONErrors) {
            return try error.response(from: request, context: context)
        } catch let error as ChatwootError {
            let detail = error.body["error"]?.stringValue ?? "error"
            return try APIError(error.status, code: "chatwoot_error", detail: detail).response(from: request, context: context)
        } catch {
            var problem = problem(for: error, request: request, context: context)
            if !defects.isEmpty { problem = broken(problem, error) }
            if defects.contains(.plainErrors) {
                return Response(
                    status: problem.status, headers: [.contentType: "text/plain"],
                    body: .init(byteBuffer: ByteBuffer(string: "error: \(problem.detail)")))
            }
            return try problem.response(from: request, context: context)
        }
    }

    /// The problem as the defects on purpose would answer it.
    private func broken(_ problem: APIError, _ error: any Error) -> APIError {
        let internalError = APIError(.internalServerError, code: "internal_error", detail: "defect on purpose")
        if defects.contains(.unknownIds500), case ContractError.notFound = error { return internalError }
        if defects.contains(.badJSON500), [400, 415, 422].contains(problem.status.code) { return internalError }
        return problem
    }

    private func problem(for error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ContractError:
            return APIError(error)
        case StoreError.alreadyExists(let resource, let name):
            return APIError(.conflict, code: "already_exists", detail: "A \(resource) named '\(name)' already exists.")
        case is NIOTooManyBytesError:
            return APIError(
                .contentTooLarge, code: "payload_too_large",
                detail: "The body is larger than \(context.maxUploadSize) bytes.")
        case let error as HTTPError where error.status == .notFound:
            let allowed = routes.table.methods(for: request.uri.path)
            if allowed.isEmpty {
                return APIError(.notFound, code: "route_not_found", detail: "No route \(request.uri.path).")
            }
            return APIError(
                .methodNotAllowed, code: "method_not_allowed",
                detail: "\(request.method.rawValue) is not allowed on \(request.uri.path).",
                headers: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
        case let error as HTTPError:
            return APIError(error.status, code: "http_\(error.status.code)", detail: error.body ?? error.status.reasonPhrase)
        case let error as DatabaseError where DiskFullReport.isDiskFull(error):
            diskFull.report(context.logger)
            return APIError(.init(code: 507, reasonPhrase: "Insufficient Storage"), code: "disk_full", detail: DiskFullReport.detail)
        case let error as HTTPParserError:
            // The body could not be read: its framing is broken, or it uses a transfer coding we do not decode.
            let coding = request.headers[.transferEncoding]?.lowercased() ?? "chunked"
            if coding.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) != "chunked" }) {
                return APIError(
                    .notImplemented, code: "unsupported_transfer_encoding",
                    detail: "Transfer-Encoding '\(coding.prefix(60))' is not supported; send the body as is or chunked.")
            }
            return APIError(.badRequest, code: "malformed_request", detail: "The request body's framing is malformed (\(error)).")
        default:
            context.logger.error("unexpected error", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            return APIError(.internalServerError, code: "internal_error", detail: "The mock failed unexpectedly; see its log.")
        }
    }
}
