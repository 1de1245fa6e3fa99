import Foundation
import Testing

@testable import MockServer

@Suite("Random UUIDs")
struct RandomUUIDTests {
    @Test("10,000 UUIDs: Foundation reads each back as a version-4 RFC 4122 UUID, lower-case, all different")
    func wellFormed() throws {
        var seen: Set<String> = []
        for _ in 0..<10_000 {
            let text = RandomUUID.string()
            let uuid = try #require(UUID(uuidString: text), "\(text)")
            #expect(uuid.uuidString.lowercased() == text)
            let bytes = uuid.uuid
            #expect(bytes.6 >> 4 == 4, "\(text)")
            #expect(bytes.8 >> 6 == 0b10, "\(text)")
            seen.insert(text)
        }
        #expect(seen.count == 10_000)
    }
}
