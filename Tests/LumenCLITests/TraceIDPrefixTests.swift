import Testing

@testable import LumenCLI

struct TraceIDPrefixTests {
    static let ids = [
        "9b567d448577d27025f3a1c0e2b4d6f8", "9b567d44ffffffffffffffffffffffff", "0123456789abcdef0123456789abcdef",
    ]

    @Test func aWholeIDIsTakenAsItIsInLowercase() throws {
        let prefix = try TraceIDPrefix("9B567D448577D27025F3A1C0E2B4D6F8")
        #expect(prefix.isWholeID)
        #expect(prefix.digits == "9b567d448577d27025f3a1c0e2b4d6f8")
    }

    @Test func aUniquePrefixResolvesToItsTrace() throws {
        #expect(try TraceIDPrefix("0123").resolve(among: Self.ids, searched: "") == Self.ids[2])
        #expect(try TraceIDPrefix("9b567d4485").resolve(among: Self.ids, searched: "") == Self.ids[0])
    }

    @Test func anIDCutWithAnEllipsisIsReadAsItsPrefix() throws {
        #expect(try TraceIDPrefix("9b567d448577d27025f3…").resolve(among: Self.ids, searched: "") == Self.ids[0])
    }

    @Test func anAmbiguousPrefixListsTheCandidates() throws {
        let error = #expect(throws: TraceIDPrefix.Failure.self) {
            try TraceIDPrefix("9b567d44").resolve(among: Self.ids, searched: "of the last 24h")
        }
        #expect(error?.description.contains("9b567d44 is the start of 2 traces of the last 24h") == true)
        #expect(error?.description.contains(Self.ids[0]) == true)
        #expect(error?.description.contains(Self.ids[1]) == true)
    }

    @Test func aPrefixNoTraceHasSaysWhereItLooked() throws {
        let error = #expect(throws: TraceIDPrefix.Failure.self) {
            try TraceIDPrefix("abcd").resolve(among: Self.ids, searched: "of the last 24h")
        }
        #expect(error?.description.hasPrefix("no trace of the last 24h has an ID starting with abcd") == true)
    }

    @Test func textThatIsNotAnIDIsRefusedNamingTheCharacter() {
        #expect(throws: TraceIDPrefix.Failure("a trace ID is hexadecimal (0-9, a-f), but \"9b56z\" contains \"z\"")) {
            try TraceIDPrefix("9b56z")
        }
        #expect(throws: TraceIDPrefix.Failure.self) { try TraceIDPrefix("9b5") }
        #expect(throws: TraceIDPrefix.Failure.self) { try TraceIDPrefix(String(repeating: "a", count: 33)) }
    }
}
