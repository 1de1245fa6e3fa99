import Foundation
import HandoffClient
import HandoffContract
import Testing

/// The agent desk in a real browser: Debian's headless Chromium driven over WebDriver. Skipped, with the
/// reason, when Chromium or chromedriver is not installed (`.ci/run` installs both).
@Suite("Agent desk in a real browser", .enabled(if: Browser.missing == nil, "\(Browser.missing ?? "")"))
struct DeskBrowserTests {
    /// Where the screenshot goes: `.build/desk-screenshot.png` of this package.
    static let screenshotPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/desk-screenshot.png")

    static func transcriptContains(_ text: String, author: String, visibility: String = "public") -> String {
        let quoted = String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self)
        return """
            return Array.from(document.querySelectorAll('#transcript li[data-author="\(author)"][data-visibility="\(visibility)"]'))
              .some(li => li.textContent.includes(\(quoted)[0]));
            """
    }

    @Test("take, reply, note, resolve on the desk; it updates live; the bot hears assigned, the reply and resolved")
    func agentSession() async throws {
        let driver = try await ChromeDriver.start()
        let server = try await TestServer.start()
        var session: WebDriverSession?
        do {
            let support = server.support
            let cursor = try await support.events(after: nil, waitSeconds: 0).next
            let user = try await support.ensureUser(.init(externalId: "ada-desk", name: "Ada <img src=x onerror=alert(1)>"))
            let conversation = try await support.openConversation(
                userId: user.id, context: .init(intent: "billing.refund", attributes: ["plan": "pro"]), idempotencyKey: nil)
            _ = try await support.post(
                .init(author: .user, text: "I was charged twice <script>document.title='pwned'</script>"), to: conversation.id)
            _ = try await support.post(.init(author: .bot, text: "Let me get you someone from Billing."), to: conversation.id)
            _ = try await support.transfer(conversation.id, to: .name("Billing"))
            _ = try await support.post(
                .init(author: .bot, text: "Intent billing.refund, plan pro", visibility: .internal), to: conversation.id)

            let browser = try await WebDriverSession.open(driver)
            session = browser
            try await browser.go("\(server.url)/desk#token=dev-token")
            try await browser.click("[data-id=\"\(conversation.id)\"]")
            try await browser.wait(until: "return document.querySelectorAll('#transcript li.message').length === 3", "three messages shown")
            #expect(try await browser.text("#state") == "QUEUED")
            // Escaped: the markup shows as text and never becomes elements.
            try await browser.wait(
                until: Self.transcriptContains("<script>document.title='pwned'</script>", author: "user"), "user text shown as text")
            #expect(try await browser.script("return document.querySelectorAll('#transcript script, img').length") as? Int == 0)
            #expect(try await browser.script("return document.title") as? String == "HandoffKit agent desk")
            #expect(try await browser.text("#thread-title").hasPrefix("Ada <img src=x onerror=alert(1)>"))
            try await browser.wait(
                until: Self.transcriptContains("Intent billing.refund", author: "bot", visibility: "internal"), "bot note marked")

            try await browser.click("#take")
            try await browser.wait(until: "return document.getElementById('state').textContent === 'assigned'", "taken")
            try await browser.type("#reply-text", "I see the double charge: refunded!")
            try await browser.click("#send-reply")
            try await browser.wait(until: Self.transcriptContains("refunded!", author: "agent"), "reply shown")
            try await browser.type("#reply-text", "Refund id R-77, for the team only")
            try await browser.click("#send-note")
            try await browser.wait(until: Self.transcriptContains("R-77", author: "agent", visibility: "internal"), "note shown")

            // Live: the user keeps talking on the bot's side; the desk shows it without a click.
            _ = try await support.post(.init(author: .user, text: "Thank you so much!"), to: conversation.id)
            try await browser.wait(until: Self.transcriptContains("Thank you so much!", author: "user"), "live update")

            let png = try await browser.screenshot()
            try FileManager.default.createDirectory(
                at: Self.screenshotPath.deletingLastPathComponent(), withIntermediateDirectories: true)
            try png.write(to: Self.screenshotPath)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))

            try await browser.click("#resolve")
            try await browser.wait(until: "return document.getElementById('state').textContent === 'resolved'", "resolved")

            var events: [SupportEvent] = []
            for _ in 0..<50 {
                events = try await support.events(after: cursor, waitSeconds: 1).items.filter { $0.conversationId == conversation.id }
                if events.contains(where: { $0.type == .conversationResolved }) { break }
            }
            #expect(events.map(\.type) == [.conversationAssigned, .messageCreated, .conversationResolved])
            #expect(events.first?.agent?.name == "Bea Billing")
            #expect(events.compactMap(\.message?.text) == ["I see the double charge: refunded!"])
        } catch {
            await session?.close()
            await driver.stop()
            await server.stop()
            throw error
        }
        await session?.close()
        await driver.stop()
        await server.stop()
    }

    @Test("a conversation made on the Chatwoot face shows the same; the desk transfers it to another team")
    func chatwootConversation() async throws {
        let driver = try await ChromeDriver.start()
        let server = try await TestServer.start()
        var session: WebDriverSession?
        do {
            let admin = ChatwootFaceTests.Chatwoot(server, token: "dev-token")
            let bot = ChatwootFaceTests.Chatwoot(server, token: "bot-token")
            let contact = try await ChatwootFaceTests.contact(admin, identifier: "cw-desk")
            let (_, created) = try await bot.call(.POST, "/conversations", #"{"source_id":"\#(contact.sourceId)"}"#)
            let number = try #require((created as? [String: Any])?["id"] as? Int)
            _ = try await bot.call(
                .POST, "/conversations/\(number)/messages", #"{"content":"Necesito una factura","message_type":"incoming"}"#)
            _ = try await bot.call(.POST, "/conversations/\(number)/messages", #"{"content":"Un momento","message_type":"outgoing"}"#)
            _ = try await bot.call(.POST, "/conversations/\(number)/assignments", #"{"team_id":2}"#)
            _ = try await bot.call(.POST, "/conversations/\(number)/toggle_status", #"{"status":"open"}"#)
            let conversation = try await server.support.conversation(id: "cnv_\(number)")

            let browser = try await WebDriverSession.open(driver)
            session = browser
            try await browser.go("\(server.url)/desk#token=dev-token")
            try await browser.click("[data-id=\"\(conversation.id)\"]")
            try await browser.wait(until: Self.transcriptContains("Necesito una factura", author: "user"), "incoming shown as the user's")
            try await browser.wait(until: Self.transcriptContains("Un momento", author: "bot"), "outgoing shown as the bot's")
            _ = try await browser.script("const s = document.getElementById('transfer-team'); s.value = 'team_3'; return s.value")
            try await browser.click("#transfer")
            try await browser.wait(
                until: "return Array.from(document.querySelectorAll('#facts dd')).some(d => d.textContent === 'Technical Support')", "moved"
            )
            let moved = try await server.support.conversation(id: conversation.id)
            #expect(moved.teamId == "team_3" && moved.state == .queued)
        } catch {
            await session?.close()
            await driver.stop()
            await server.stop()
            throw error
        }
        await session?.close()
        await driver.stop()
        await server.stop()
    }
}
