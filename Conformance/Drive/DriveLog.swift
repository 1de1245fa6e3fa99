import HandoffClient
import Synchronization

/// The HTTP exchanges of one scenario, kept as evidence for its failure: the newest `capacity`, with a
/// repeated poll (same call, same answer) kept once.
final class DriveLog: Sendable {
    private let exchanges = Mutex<[HTTPExchange]>([])
    private let capacity: Int

    init(capacity: Int = 400) {
        self.capacity = capacity
    }

    /// Records an exchange.
    func record(_ exchange: HTTPExchange) {
        exchanges.withLock { list in
            if let last = list.last, last.method == exchange.method, last.path == exchange.path,
                last.status == exchange.status, last.responseBody == exchange.responseBody
            {
                list[list.count - 1] = exchange
                return
            }
            list.append(exchange)
            if list.count > capacity { list.removeFirst(list.count - capacity) }
        }
    }

    /// Everything kept, oldest first.
    var all: [HTTPExchange] { exchanges.withLock { $0 } }

    /// The newest exchange of `method` whose path starts with `path`.
    func last(_ method: String, _ path: String) -> HTTPExchange? {
        exchanges.withLock { $0.last { $0.method == method && $0.path.hasPrefix(path) } }
    }

    /// Every exchange with the driver about `sender` that is not a poll of what it received.
    func driverCalls(for sender: String) -> [HTTPExchange] {
        exchanges.withLock { list in
            list.filter { exchange in
                exchange.path.hasPrefix("/users/\(sender)/") && !exchange.path.hasSuffix("/received")
                    || exchange.path.hasPrefix("/webhooks/rest/") && (exchange.requestBody ?? "").contains("\"\(sender)\"")
            }
        }
    }
}
