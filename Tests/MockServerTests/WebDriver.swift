import Foundation
import HandoffClient
import NIOHTTP1

/// Where Debian's headless Chromium and its WebDriver live, or why the browser tests cannot run.
enum Browser {
    static let chromium = ProcessInfo.processInfo.environment["CHROME_BIN"] ?? "/usr/bin/chromium"
    static let chromedriver = ProcessInfo.processInfo.environment["CHROMEDRIVER"] ?? "/usr/bin/chromedriver"

    /// Nil when both are installed; otherwise what is missing and how to install it.
    static var missing: String? {
        let absent = [chromium, chromedriver].filter { !FileManager.default.isExecutableFile(atPath: $0) }
        if absent.isEmpty { return nil }
        return "needs \(absent.joined(separator: " and ")): apt-get install -y chromium chromium-driver (.ci/run does)"
    }
}

/// `chromedriver` on a free loopback port, as a child process.
final class ChromeDriver: @unchecked Sendable {
    // @unchecked: the Process and pipe are touched only by the test that owns this value.
    let process = Process()
    private(set) var url = ""

    /// Starts chromedriver on a free loopback port and waits until it answers `/status`.
    static func start() async throws -> ChromeDriver {
        let driver = ChromeDriver()
        let port = try freeLoopbackPort()
        driver.url = "http://127.0.0.1:\(port)"
        driver.process.executableURL = URL(fileURLWithPath: Browser.chromedriver)
        driver.process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1"]
        driver.process.standardOutput = FileHandle.nullDevice
        driver.process.standardError = FileHandle.nullDevice
        try driver.process.run()
        let transport = HTTPTransport(baseURL: driver.url, token: nil, timeout: 2)
        for _ in 0..<200 {
            if let status = try? await transport.send(.GET, "/status"), status.status == 200 { return driver }
            try await Task.sleep(for: .milliseconds(50))
        }
        await driver.stop()
        throw WebDriverError.failed("chromedriver did not answer on \(driver.url)/status")
    }

    /// A port no one listens on now (the kernel's pick for port 0).
    static func freeLoopbackPort() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw WebDriverError.failed("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw WebDriverError.failed("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw WebDriverError.failed("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Stops chromedriver. It does not stop on SIGTERM while it has sessions or children, so SIGKILL.
    func stop() async {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        _ = try? await blocking { self.process.waitUntilExit() }
    }
}

enum WebDriverError: Error, CustomStringConvertible {
    case failed(String)
    var description: String {
        switch self {
        case .failed(let text): text
        }
    }
}

/// A W3C WebDriver session over plain HTTP (AsyncHTTPClient through ``HTTPTransport``).
struct WebDriverSession: Sendable {
    let transport: HTTPTransport
    let id: String

    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    /// Opens headless Chromium.
    static func open(_ driver: ChromeDriver) async throws -> WebDriverSession {
        let transport = HTTPTransport(baseURL: driver.url, token: nil, timeout: 60)
        let capabilities: [String: Any] = [
            "capabilities": [
                "alwaysMatch": [
                    "browserName": "chrome",
                    "goog:chromeOptions": [
                        "binary": Browser.chromium,
                        "args": [
                            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1440,900",
                            "--no-first-run", "--disable-extensions",
                        ],
                    ],
                ]
            ]
        ]
        let value = try await call(transport, .POST, "/session", capabilities)
        guard let id = (value as? [String: Any])?["sessionId"] as? String else {
            throw WebDriverError.failed("no session: \(String(describing: value))")
        }
        return WebDriverSession(transport: transport, id: id)
    }

    @discardableResult
    static func call(_ transport: HTTPTransport, _ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        let bytes = try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        let exchange = try await transport.send(method, path, body: bytes)
        let parsed = try? JSONSerialization.jsonObject(with: Data(exchange.responseBody.utf8), options: [.fragmentsAllowed])
        let value = (parsed as? [String: Any])?["value"]
        guard let status = exchange.status, (200..<300).contains(status) else {
            throw WebDriverError.failed("\(method.rawValue) \(path) → \(exchange.status ?? 0): \(exchange.responseBody.prefix(500))")
        }
        return value
    }

    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
        try await Self.call(transport, method, "/session/\(id)\(path)", body)
    }

    func go(_ url: String) async throws { try await call(.POST, "/url", ["url": url]) }

    /// The first element matching a CSS selector, or nil.
    func find(_ selector: String) async throws -> String? {
        let value = try await call(.POST, "/elements", ["using": "css selector", "value": selector])
        return ((value as? [[String: Any]])?.first)?[Self.elementKey] as? String
    }

    /// Waits until an element matches, and returns it.
    func wait(for selector: String, seconds: Double = 15) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let element = try await find(selector) { return element }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WebDriverError.failed("nothing matched \(selector) within \(seconds) s")
    }

    /// Runs JavaScript in the page and returns its result.
    func script(_ source: String, _ arguments: [Any] = []) async throws -> Any? {
        try await call(.POST, "/execute/sync", ["script": source, "args": arguments])
    }

    /// Waits until a script returns true.
    func wait(until source: String, _ what: String, seconds: Double = 15) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await script(source) as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WebDriverError.failed("\(what): not true within \(seconds) s")
    }

    func click(_ selector: String) async throws {
        let element = try await wait(for: selector)
        try await call(.POST, "/element/\(element)/click", [:])
    }

    func type(_ selector: String, _ text: String) async throws {
        let element = try await wait(for: selector)
        try await call(.POST, "/element/\(element)/clear", [:])
        try await call(.POST, "/element/\(element)/value", ["text": text])
    }

    func text(_ selector: String) async throws -> String {
        let element = try await wait(for: selector)
        return try await call(.GET, "/element/\(element)/text") as? String ?? ""
    }

    /// A PNG of the window.
    func screenshot() async throws -> Data {
        guard let base64 = try await call(.GET, "/screenshot") as? String, let data = Data(base64Encoded: base64) else {
            throw WebDriverError.failed("no screenshot")
        }
        return data
    }

    func close() async { _ = try? await Self.call(transport, .DELETE, "/session/\(id)") }
}
