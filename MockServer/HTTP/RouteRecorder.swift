import HandoffContract
import Hummingbird
import Synchronization

/// Adds routes to a router group and records each in a ``RouteTable`` (for 405 answers).
/// Written only while the application is being built, read after; the lock makes that safe to share.
final class RouteRecorder: Sendable {
    private let storage = Mutex(RouteTable())

    /// The routes recorded so far.
    var table: RouteTable { storage.withLock { $0 } }

    /// The handler shape every route uses.
    typealias Handler = @Sendable (Request, MockRequestContext) async throws -> Response

    func on(
        _ group: RouterGroup<MockRequestContext>, base: String, _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping Handler
    ) {
        group.on(RouterPath(path), method: method, use: handler)
        storage.withLock { $0.add(method, path.isEmpty ? base : "\(base)/\(path)") }
    }

    func on(_ router: Router<MockRequestContext>, _ method: HTTPRequest.Method, _ path: String, _ handler: @escaping Handler) {
        router.on(RouterPath(path), method: method, use: handler)
        storage.withLock { $0.add(method, path) }
    }
}

extension MockRequestContext {
    /// A path parameter the route guarantees.
    func id(_ name: String = "id") -> String { parameters.get(name) ?? "" }
}

extension Request {
    /// A cursor parameter: a number, or a public id of `kind` (as returned in `next`).
    func cursor(_ name: String = "after", kind: EntityKindCursor) throws -> Int64 {
        guard let text = uri.queryParameters.get(name) else { return 0 }
        if let number = Int64(text), number >= 0 { return number }
        if let kind = kind.kind, let number = kind.number(from: text) { return number }
        throw APIError.badParameter(name, "must be a cursor returned as 'next' by this list")
    }
}

/// Which ids a cursor may be given as, besides a plain number.
struct EntityKindCursor {
    var kind: EntityKind?
    static let plain = EntityKindCursor(kind: nil)
    static func ids(_ kind: EntityKind) -> EntityKindCursor { .init(kind: kind) }
}
