import Foundation
import HTTPTypes
import HandoffContract
import Hummingbird
import NIOCore

import struct GRDB.DatabaseError

extension HTTPField.Name {
    /// Chatwoot's token header (`api_access_token`; `Api-Access-Token` is read too).
    static let apiAccessToken = HTTPField.Name("api_access_token")!
    static let apiAccessTokenDashed = HTTPField.Name("Api-Access-Token")!
}

/// Reads `api_access_token` and puts the workspace and the principal (user or agent bot) in the context,
/// answering with Chatwoot's own 401 bodies.
struct ChatwootAuthenticator: RouterMiddleware {
    typealias Context = MockRequestContext
    let store: SupportStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard case .token(let token) = PresentedToken.chatwoot(request) else { throw ChatwootError.signIn }
        guard let credentials = try store.credentials(forToken: token) else { throw ChatwootError.invalidToken }
        var context = context
        context.workspace = credentials.workspace
        context.chatwootPrincipal = credentials.principal
        context.chatwootWhitelistOff = store.boundary.botWhitelistOff
        return try await next(request, context)
    }
}

/// Checks that `:account_id` is the token's account.
struct ChatwootAccountCheck: RouterMiddleware {
    typealias Context = MockRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let account = context.parameters.get("account_id").flatMap { Int64($0) }
        guard let workspace = context.workspace, account == workspace.id else {
            throw context.chatwootPrincipal?.isBot == true ? ChatwootError.botNotInAccount : ChatwootError.notInAccount
        }
        return try await next(request, context)
    }
}

/// Renders every failure under `/api/v1` the way Chatwoot's Rails code does.
struct ChatwootErrorMiddleware: RouterMiddleware {
    typealias Context = MockRequestContext
    /// Says once, in the log, that the database's disk is full.
    var diskFull = DiskFullReport(path: nil)

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ChatwootError {
            throw error
        } catch ContractError.notFound {
            throw ChatwootError.notFound
        } catch let error as ContractError {
            throw ChatwootError.unprocessable(error.detail)
        } catch let error as APIError {
            throw ChatwootError(error.status, ["error": .string(error.detail)])
        } catch is NIOTooManyBytesError {
            throw ChatwootError(.contentTooLarge, ["error": "Request body too large"])
        } catch let error as DatabaseError where DiskFullReport.isDiskFull(error) {
            diskFull.report(context.logger)
            throw ChatwootError(.init(code: 507, reasonPhrase: "Insufficient Storage"), ["error": .string(DiskFullReport.detail)])
        }
    }
}

extension MockRequestContext {
    /// The Chatwoot principal; every route under `/api/v1` has one.
    func principal() throws -> ChatwootPrincipal {
        guard let chatwootPrincipal else { throw ChatwootError.invalidToken }
        return chatwootPrincipal
    }

    /// Refuses agent bots on routes outside Chatwoot's bot whitelist.
    func requireUser() throws -> (id: Int64, role: String) {
        switch try principal() {
        case .bot where chatwootWhitelistOff: return (0, "administrator")
        case .bot: throw ChatwootError.botNotAllowed
        case .user(let id, let role): return (id, role)
        }
    }

    /// Refuses agents (and bots) on administrator-only routes.
    func requireAdmin() throws {
        if try requireUser().role != "administrator" { throw ChatwootError.forbidden }
    }

    /// A numeric path id; anything else reads as not found, like Rails' `find`.
    func number(_ name: String = "id") throws -> Int64 {
        guard let text = parameters.get(name), let value = Int64(text), value > 0 else { throw ChatwootError.notFound }
        return value
    }
}

/// Chatwoot's JSON responses.
enum ChatwootJSON {
    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: JSONValueWriter.bytes(value))))
    }

    static func response(_ object: [String: JSONValue]) throws -> Response { try response(.object(object)) }

    /// 200 with an empty body (`head :ok`).
    static var empty: Response { Response(status: .ok) }

    /// The `page` parameter, from 1; anything else reads as 1, as Kaminari does.
    static func page(_ request: Request) -> Int {
        request.uri.queryParameters.get("page").flatMap { Int($0) }.map { max(1, min($0, 100_000)) } ?? 1
    }
}
