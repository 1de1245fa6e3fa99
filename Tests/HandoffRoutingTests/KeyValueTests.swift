import HandoffContract
import HandoffRouting
import Testing

@Suite("KEY=VALUE arguments")
struct KeyValueTests {
    @Test(arguments: [
        ("vip=true", "vip", JSONValue.bool(true)),
        ("tier=3", "tier", .number(3)),
        ("name=\"x\"", "name", .string("x")),
        ("name=x", "name", .string("x")),
        ("plan=gold plus", "plan", .string("gold plus")),
        ("vip=\"true\"", "vip", .string("true")),
        ("empty=", "empty", .string("")),
        ("list=[1,2]", "list", .array([.number(1), .number(2)])),
        ("eq=a=b", "eq", .string("a=b")),
        ("nothing=null", "nothing", .null),
    ])
    func parse(text: String, key: String, value: JSONValue) throws {
        #expect(try KeyValue(parsing: text) == KeyValue(key: key, value: value))
    }

    @Test func invalid() {
        #expect(throws: KeyValueError.missingEquals("vip")) { try KeyValue(parsing: "vip") }
        #expect(throws: KeyValueError.emptyKey("=3")) { try KeyValue(parsing: "=3") }
    }
}
