import Foundation
import HandoffClient
import Testing

@testable import MockServer

@Suite("Rate limit")
struct RateLimitTests {
    @Test("a token bucket lets a burst of N through, then refills N per second")
    func bucket() {
        var bucket = TokenBucket(rate: 4, now: 100)
        #expect((0..<4).map { _ in bucket.take(now: 100) } == [nil, nil, nil, nil])
        #expect(bucket.take(now: 100) == 1)
        #expect(bucket.take(now: 100.25) == nil, "a quarter second brings one back")
        #expect(bucket.take(now: 100.25) == 1)
        #expect(!bucket.isFull(now: 100.5))
        #expect(bucket.isFull(now: 102))
        var slow = TokenBucket(rate: 1, now: 0)
        #expect(slow.take(now: 0) == nil)
        #expect(slow.take(now: 0.1) == 1)
        #expect(slow.take(now: 1.2) == nil)
    }

    @Test("one bucket per token however the scheme is spelled: 'bearer x' does not get a second bucket beside 'Bearer x'")
    func schemeSpelling() async throws {
        try await withServer(rateLimit: 1) { server in
            let raw = HTTPTransport(baseURL: server.url, token: nil)
            let clock = ContinuousClock()
            let started = clock.now
            // Two requests with each spelling, at once: one bucket of 1 request per second lets through at most one
            // plus one per second elapsed; three buckets would let three through at once.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for scheme in ["Bearer", "bearer", "BEARER", "Bearer", "bearer", "BEARER"] {
                    group.addTask {
                        try await raw.send(.GET, "/v1/teams", body: nil, headers: [("Authorization", "\(scheme) dev-token")]).status ?? 0
                    }
                }
                var all: [Int] = []
                for try await status in group { all.append(status) }
                return all
            }
            let elapsed = Int(started.duration(to: clock.now).components.seconds)
            let passed = statuses.filter { $0 == 200 }.count
            #expect(Set(statuses).isSubset(of: [200, 429]), "\(statuses)")
            #expect(passed >= 1 && passed <= 1 + elapsed, "\(passed) passed in \(elapsed) s: \(statuses)")
        }
    }

    @Test("--rate-limit: past N requests per second a token gets 429 rate_limited with Retry-After; other tokens do not")
    func limited() async throws {
        let rate = 2
        try await withServer(rateLimit: rate) { server in
            let http = server.http()
            let clock = ContinuousClock()
            let started = clock.now
            let responses = try await withThrowingTaskGroup(of: HTTPExchange.self) { group in
                for _ in 0..<30 { group.addTask { try await http.send(.GET, "/v1/teams") } }
                var all: [HTTPExchange] = []
                for try await response in group { all.append(response) }
                return all
            }
            let seconds = Double(started.duration(to: clock.now).components.seconds) + 1
            let passed = responses.filter { $0.status == 200 }.count
            let limited = responses.filter { $0.status == 429 }
            #expect(passed + limited.count == 30, "only 200 or 429")
            #expect(passed >= rate, "the burst passes")
            #expect(Double(passed) <= Double(rate) * (1 + seconds), "no more than the bucket allows: \(passed) in \(seconds) s")
            let response = try #require(limited.first)
            #expect(response.headers["retry-after"] == "1")
            #expect(response.headers["content-type"] == "application/problem+json")
            #expect(json(response)["code"] as? String == "rate_limited")
            #expect(json(response)["status"] as? Int == 429)

            #expect(try await server.http(token: nil).send(.GET, "/health").status == 200, "no token, not counted")
            let created = try await server.http(token: nil).send(.POST, "/mock/v1/workspaces", text: #"{"name":"b","token":"b-token"}"#)
            #expect(created.status == 201)
            #expect(try await server.http(token: "b-token").send(.GET, "/v1/teams").status == 200, "another token has its own bucket")

            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await server.http().send(.GET, "/v1/teams").status == 200, "the bucket refilled")
        }
    }

    @Test("the document gives every operation that takes a token a 429 rate_limited answer")
    func documented() async throws {
        try await withServer { server in
            let document = json(try await server.http(token: nil).send(.GET, "/openapi.json"))
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var checked = 0
            for (path, operations) in paths {
                for (method, operation) in operations {
                    guard let responses = (operation as? [String: Any])?["responses"] as? [String: Any],
                        responses["401"] != nil
                    else { continue }
                    checked += 1
                    let ref = (responses["429"] as? [String: Any])?["$ref"] as? String
                    #expect(ref == "#/components/responses/RateLimited", "\(method) \(path)")
                }
            }
            #expect(checked >= 29)
        }
    }

    @Test("without --rate-limit nothing is limited")
    func off() async throws {
        try await withServer { server in
            var statuses: [Int] = []
            for _ in 0..<50 { statuses.append(try await server.http().send(.GET, "/v1/teams").status ?? 0) }
            #expect(statuses == Array(repeating: 200, count: 50))
        }
    }
}
