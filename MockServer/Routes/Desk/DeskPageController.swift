import HTTPTypes
import Hummingbird

/// `/desk`: the agent desk, a page of plain HTML, CSS and JavaScript shipped inside the binary. The page
/// holds no data; it asks for a workspace token and reads `/mock/v1/desk` with it.
struct DeskPageController {
    /// One file of the page.
    struct Asset: Sendable {
        var contentType: String
        var bytes: [UInt8]
    }

    static let page = Asset(contentType: "text/html; charset=utf-8", bytes: PackageResources.desk_html)
    static let script = Asset(contentType: "text/javascript; charset=utf-8", bytes: PackageResources.desk_js)
    static let style = Asset(contentType: "text/css; charset=utf-8", bytes: PackageResources.desk_css)

    /// Only the page's own files, and no inline script or style: data can never run as code.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    func register(_ router: Router<MockRequestContext>, _ routes: RouteRecorder) {
        routes.on(router, .get, "/desk") { _, _ in Self.response(Self.page) }
        routes.on(router, .get, "/desk/desk.js") { _, _ in Self.response(Self.script) }
        routes.on(router, .get, "/desk/desk.css") { _, _ in Self.response(Self.style) }
    }

    static func response(_ asset: Asset) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: asset.contentType, .cacheControl: "no-store", .contentSecurityPolicy: contentSecurityPolicy,
                .xContentTypeOptions: "nosniff", Self.referrerPolicy: "no-referrer",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }
}
