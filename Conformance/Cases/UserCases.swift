import Foundation
import HandoffContract

/// USR: creating users, idempotent by `externalId`.
enum UserCases {
    static let all: [ConformanceCase] = [
        ConformanceCase("USR-001", .must, .core, rule: .entities, "Creating a user returns a server id and keeps the externalId.") { ctx in
            // Another user first, so a store that hands back someone else shows it whichever case ran first.
            _ = try await ctx.freshUser()
            let externalId = "conform-usr1-\(UUID().uuidString)"
            let user = try await ctx.support.ensureUser(.init(externalId: externalId, name: "Ada"))
            try check(!user.id.isEmpty, "user id is empty")
            try checkEqual(user.externalId, externalId, "externalId")
        },
        ConformanceCase("USR-002", .must, .core, rule: .idempotentUser, "Creating a user twice with one externalId yields one user.") {
            ctx in
            let externalId = "conform-usr2-\(UUID().uuidString)"
            let first = try await ctx.support.ensureUser(.init(externalId: externalId))
            let second = try await ctx.support.ensureUser(.init(externalId: externalId))
            try checkEqual(second.id, first.id, "id of the second creation")
        },
        ConformanceCase("USR-003", .must, .core, rule: .idempotentUser, "Concurrent creations with one externalId yield one user.") { ctx in
            let externalId = "conform-usr3-\(UUID().uuidString)"
            let support = ctx.support
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await support.ensureUser(.init(externalId: externalId)).id } }
                var ids = Set<String>()
                for try await id in group { ids.insert(id) }
                return ids
            }
            try checkEqual(ids.count, 1, "distinct users made by 8 concurrent creations")
        },
        ConformanceCase("USR-004", .must, .core, rule: .idempotentUser, "A user can be looked up by externalId.") { ctx in
            let externalId = "conform-usr4-\(UUID().uuidString)"
            let user = try await ctx.support.ensureUser(.init(externalId: externalId))
            let found = try await ctx.support.findUser(externalId: externalId)
            try checkEqual(found?.id, user.id, "user found by the externalId it was created with")
        },
        ConformanceCase("USR-005", .must, .core, rule: .idempotentUser, "Looking up an unknown externalId finds nothing, without an error.")
        { ctx in
            // A workspace with a user in it: a lookup that ignored the externalId would find that one. Without it
            // the case passed or failed by whether another case had made a user first.
            _ = try await ctx.freshUser()
            let found = try await ctx.support.findUser(externalId: "conform-nobody-\(UUID().uuidString)")
            try checkEqual(found?.id, nil, "user found for an unknown externalId")
        },
        ConformanceCase("USR-006", .must, .core, rule: .idempotentUser, "Different externalIds yield different users.") { ctx in
            // Another user first, so a lookup that ignored the externalId finds that one for both, whichever case ran
            // first (on an empty workspace, concurrent cases could each create the user the other then found).
            _ = try await ctx.freshUser()
            let first = try await ctx.freshUser()
            let second = try await ctx.freshUser()
            try check(first.id != second.id, "two externalIds share user id \(first.id)")
        },
        ConformanceCase("USR-007", .should, .core, rule: .entities, "Name, email, phone and attributes are kept.") { ctx in
            let unique = UUID().uuidString.lowercased()
            let digits = String(unique.unicodeScalars.filter { CharacterSet.decimalDigits.contains($0) }.map(Character.init).prefix(9))
            let new = NewUser(
                externalId: "conform-usr7-\(unique)", name: "Grace Hopper", email: "grace-\(unique)@example.com",
                phone: "+1555" + String(repeating: "0", count: max(0, 9 - digits.count)) + digits,
                attributes: ["plan": "pro", "vip": .bool(true)])
            let user = try await ctx.support.ensureUser(new)
            try checkEqual(user.name, new.name, "name")
            try checkEqual(user.email, new.email, "email")
            try checkEqual(user.phone, new.phone, "phone")
            try checkEqual(user.attributes["plan"], .string("pro"), "attributes.plan")
            try checkEqual(user.attributes["vip"], .bool(true), "attributes.vip")
        },
        ConformanceCase("USR-008", .must, .core, rule: .idempotentUser, "Re-creating a user does not change the first user's data.") {
            ctx in
            // Another user first, so a lookup that ignored the externalId finds that one whichever case ran first.
            _ = try await ctx.freshUser()
            let externalId = "conform-usr8-\(UUID().uuidString)"
            _ = try await ctx.support.ensureUser(.init(externalId: externalId, name: "First"))
            _ = try await ctx.support.ensureUser(.init(externalId: externalId, name: "Second"))
            let found = try await ctx.support.findUser(externalId: externalId)
            try checkEqual(found?.name, "First", "name after a second creation")
        },
    ]
}
