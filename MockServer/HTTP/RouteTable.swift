import HTTPTypes

/// The mock's routes as (method, path pattern) pairs, kept beside the router so that a path
/// that exists under another method answers 405 with an `Allow` header rather than 404.
struct RouteTable: Sendable {
    private var routes: [(method: HTTPRequest.Method, segments: [Substring])] = []

    /// Every route as (method, path pattern).
    var all: [(HTTPRequest.Method, String)] {
        routes.map { ($0.method, "/" + $0.segments.joined(separator: "/")) }
    }

    mutating func add(_ method: HTTPRequest.Method, _ path: String) {
        routes.append((method, path.split(separator: "/")))
    }

    /// The methods allowed on a concrete path; empty when no route has this shape.
    func methods(for path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        var methods: [HTTPRequest.Method] = []
        for route in routes where route.segments.count == segments.count {
            let matches = zip(route.segments, segments).allSatisfy { pattern, segment in
                pattern.hasPrefix(":") || pattern == segment
            }
            if matches && !methods.contains(route.method) { methods.append(route.method) }
        }
        if methods.contains(.get) && !methods.contains(.head) { methods.append(.head) }
        return methods
    }
}
