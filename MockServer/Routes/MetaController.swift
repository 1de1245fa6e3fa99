import Foundation
import Hummingbird
import Yams

/// `/`, `/health`, `/openapi.yaml`, `/openapi.json`: what this server is and its contract.
struct MetaController {
    /// The neutral Support API v1, as shipped in the binary.
    static let openAPIYAML = String(decoding: PackageResources.neutral_v1_yaml, as: UTF8.self)

    struct Index: Encodable {
        var name = "HandoffKit mock support server"
        var neutralAPI = "/v1"
        var controlAPI = "/mock/v1"
        var openapi = ["/openapi.json", "/openapi.yaml"]
        var health = "/health"
    }

    func register(_ router: Router<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(router, .get, "/") { _, _ in try JSONIO.response(Index()) }
        routes.on(router, .get, "/health") { _, _ in try JSONIO.response(["status": "ok"]) }
        routes.on(router, .get, "/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: .init(byteBuffer: ByteBuffer(string: Self.openAPIYAML)))
        }
        routes.on(router, .get, "/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: try Self.openAPIJSON.get())))
        }
    }

    /// The same document as JSON, converted once on first use.
    static let openAPIJSON = Result<Data, any Error> {
        let object = try Yams.load(yaml: openAPIYAML) ?? [:]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}
