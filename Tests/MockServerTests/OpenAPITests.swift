import Foundation
import HandoffClient
import NIOHTTP1
import Testing

@testable import MockServer

@Suite("The served contract")
struct OpenAPITests {
    @Test("/openapi.json is OpenAPI 3.1 and documents every route of the neutral and control APIs")
    func everyRouteDocumented() async throws {
        try await withServer { server in
            let response = try await server.http(token: nil).send(.GET, "/openapi.json")
            #expect(response.status == 200)
            let document = json(response)
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let routes = RouteRecorder()
            _ = buildRouter(config: .init(), store: server.store, recorder: routes)
            var missing: [String] = []
            // The Chatwoot face (/api/v1) is described by Chatwoot's own OpenAPI document, not ours.
            for (method, path) in routes.table.all where !path.hasPrefix("/api/v1") {
                let templated = path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
                let key = "/" + templated.joined(separator: "/")
                if paths[key]?[method.rawValue.lowercased()] == nil { missing.append("\(method.rawValue) \(key)") }
            }
            #expect(missing.isEmpty, "undocumented: \(missing)")
            let yaml = try await server.http(token: nil).send(.GET, "/openapi.yaml")
            #expect(yaml.status == 200 && yaml.responseBody.hasPrefix("openapi: 3.1"))
        }
    }

    @Test("/health needs no token")
    func health() async throws {
        try await withServer { server in
            let response = try await server.http(token: nil).send(.GET, "/health")
            #expect(response.status == 200)
        }
    }
}
