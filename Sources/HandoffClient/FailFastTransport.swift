import AsyncHTTPClient

extension HTTPTransport {
    /// The HTTP client behind ``failingFast(baseURL:token:timeout:observer:)``: it never retries a connection
    /// that could not be made, so a refused connection fails the request at once. It lives as long as the process.
    static let failFastClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// A transport to a target that should already be listening: a refused connection fails the request at once,
    /// where the shared client would keep retrying it until `timeout` passed.
    public static func failingFast(
        baseURL: String, token: String?, timeout: Int64, observer: (@Sendable (HTTPExchange) -> Void)? = nil
    ) -> HTTPTransport {
        HTTPTransport(baseURL: baseURL, token: token, timeout: timeout, client: failFastClient, observer: observer)
    }
}
