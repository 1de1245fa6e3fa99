import Foundation
import HandoffContract
import Testing

@testable import MockServer

/// The journal's JSON parser reads exactly what `JSONDecoder` reads, and refuses what is not JSON.
@Suite("Journal JSON parser")
struct JSONValueParserTests {
    static func decoded(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func parsed(_ text: String) -> JSONValue? {
        JSONValueParser.parse(Array(text.utf8))
    }

    /// A random value: nested objects and arrays, numbers of every kind, strings with escapes,
    /// control characters, non-ASCII and astral characters.
    static func randomValue(_ random: inout SplitMix64, depth: Int = 0) -> JSONValue {
        let alphabet: [Character] = [
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{1F}", "é", "中", "😀", "\u{7F}", "\u{2028}",
        ]
        switch Int.random(in: depth > 3 ? 0...3 : 0...5, using: &random) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2:
            let choices: [Double] = [0, -0.5, 1, -1, 3.25, 1e-7, 123_456_789_012, -9.5e20, Double(Int32.max), 0.1 + 0.2]
            return .number(choices[Int.random(in: 0..<choices.count, using: &random)] * Double(Int.random(in: 1...1000, using: &random)))
        case 3: return .string(String((0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }))
        case 4: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                members[String((0..<Int.random(in: 0...6, using: &random)).map { _ in alphabet.randomElement(using: &random)! })] =
                    randomValue(&random, depth: depth + 1)
            }
            return .object(members)
        }
    }

    @Test("2,000 random values, encoded by JSONEncoder: parsed the same as JSONDecoder reads them")
    func agreesWithJSONDecoder() throws {
        var random = SplitMix64(seed: 2026)
        for _ in 0..<2_000 {
            let value = Self.randomValue(&random)
            let text = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
            #expect(Self.parsed(text) == Self.decoded(text), "\(text)")
            #expect(Self.parsed(text) == value, "\(text)")
        }
    }

    /// `value` cut down to what `keep` names, as the skimming parse should build it.
    static func pruned(_ value: JSONValue, _ keep: JSONKeep) -> JSONValue {
        switch (keep, value) {
        case (.all, _): return value
        case (.none, _): return .null
        case (.members(let members), .object(let object)):
            var kept: [String: JSONValue] = [:]
            for (key, member) in object { if let inner = members[key] { kept[key] = pruned(member, inner) } }
            return .object(kept)
        case (.elements(let inner), .array(let items)): return .array(items.map { pruned($0, inner) })
        default: return .null
        }
    }

    @Test("2,000 random values skimmed (a few members, elements, nothing): the full parse cut down the same way")
    func skimAgreesWithPrune() throws {
        var random = SplitMix64(seed: 1204)
        let keeps: [JSONKeep] = [
            .none, .elements(.none), .elements(.members(["a": .all, "Z": .none])),
            .members(["a": .all, "0": .elements(.all), "": .members(["a": .all])]), JournalDescriber.responseKeep,
        ]
        for index in 0..<2_000 {
            let value = Self.randomValue(&random)
            let bytes = Array(try JSONEncoder().encode(value))
            let keep = keeps[index % keeps.count]
            #expect(JSONValueParser.parse(bytes, keeping: keep) == Self.pruned(value, keep), "\(String(decoding: bytes, as: UTF8.self))")
        }
        // What is not JSON is refused by the skim too, skipped parts included.
        for text in ["[1,]", #"{"x":[1 2]}"#, #"{"x":"abc}"#, #"{"x":tru}"#, #"{"x":01}"#] {
            #expect(JSONValueParser.parse(Array(text.utf8), keeping: .members([:])) == nil, "\(text)")
        }
    }

    @Test(
        "hand-written JSON: whitespace, escapes, surrogate pairs, exponents, fragments",
        arguments: [
            #" { "a" : [ 1 , 2.5e3 , -0 , true , false , null ] , "b" : { } , "c" : [ ] } "#,
            #""\u00e9\u4e2d\ud83d\ude00 \" \\ \/ \b \f \n \r \t""#, #"-12.75E-2"#, "0", "\"\"", "[[[[]]]]",
            #"{"dup":1,"dup":2}"#, "\t\r\n 42 \n",
        ])
    func handWritten(_ text: String) {
        #expect(Self.parsed(text) != nil, "\(text)")
        #expect(Self.parsed(text) == Self.decoded(text), "\(text)")
    }

    @Test(
        "not JSON: refused",
        arguments: [
            "", " ", "{", "}", "[1,]", #"{"a":1,}"#, #"{"a"}"#, #"{a:1}"#, "01", "1.", ".5", "+1", "1e", "-", "--1", "tru", "nul",
            "falsey", #""abc"#, #""\x""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\u12G4""#, "\"a\nb\"", "1 2", "[1 2]",
            "NaN", "Infinity", "1e400", String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        ])
    func refused(_ text: String) {
        #expect(Self.parsed(text) == nil, "\(text)")
    }

    @Test("invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        #expect(JSONValueParser.parse([0x22, 0xC3, 0x28, 0x22]) == nil)
        #expect(JSONValueParser.parse([0x22, 0xC3, 0xA9, 0x22]) == .string("é"))
    }
}
