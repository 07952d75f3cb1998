import LumenModel
import Testing

@testable import LumenQuery

/// `| json name="path"` values, read as Loki's JSON expression parser gives them.
struct JSONPathValueTests {
    private func value(_ path: String, _ line: String) throws -> JSONFieldReader.PathValue {
        JSONFieldReader.value(at: try JSONPath(path), in: line)
    }

    @Test func valuesAreTextAsLokiGivesThem() throws {
        let line = #"{"s":"a\"b\u00e9","n":1.50e3,"t":true,"z":null,"o":{"k":[1,{"x":"y"}]},"a":[10,20]}"#
        #expect(try value("s", line) == .found(#"a"bé"#))
        #expect(try value("n", line) == .found("1.50e3"))
        #expect(try value("t", line) == .found("true"))
        #expect(try value("z", line) == .found(""))
        #expect(try value("o", line) == .found(#"{"k":[1,{"x":"y"}]}"#))
        #expect(try value("a", line) == .found("[10,20]"))
        #expect(try value("o.k[1].x", line) == .found("y"))
        #expect(try value(#"o["k"][0]"#, line) == .found("1"))
    }

    @Test func whatTheLineLacksIsAbsentAndBrokenJSONIsMalformed() throws {
        #expect(try value("missing", #"{"a":1}"#) == .absent)
        #expect(try value("a.b", #"{"a":1}"#) == .absent)  // a number has no keys
        #expect(try value("a[5]", #"{"a":[1,2]}"#) == .absent)
        #expect(try value("[1]", #"["x","y"]"#) == .found("y"))
        #expect(try value("a", #"{"a":1,"a":2}"#) == .found("1"))  // the first of duplicate keys
        #expect(try value("a", "plain text") == .malformed)
        #expect(try value("a", #" {"a":1}"#) == .malformed)  // must start as JSON, as Loki checks
        #expect(try value("b", #"{"a":tru}"#) == .malformed)
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(try value("a", #"{"b":"# + deep + "}") == .malformed)
    }

    @Test func aStructuredBodyIsReadByPathToo() throws {
        let body = AttributeValue.map([Attribute("a", .map([Attribute("b", .array([.int(1), .double(2.5)]))]))])
        #expect(JSONFields.value(at: try JSONPath("a.b[1]"), in: body) == .found("2.5"))
        #expect(JSONFields.value(at: try JSONPath("a.b[0]"), in: body) == .found("1"))
        #expect(JSONFields.value(at: try JSONPath("a.c"), in: body) == .absent)
        #expect(JSONFields.value(at: try JSONPath("a"), in: .int(7)) == .malformed)
        #expect(JSONFields.value(at: try JSONPath("a"), in: .string(#"{"a":"x"}"#)) == .found("x"))
    }

    @Test func unpackReadsTopLevelStringsOnly() {
        let members = JSONFieldReader.topLevelStrings(#"{"_entry":"line","job":"j","n":1,"o":{"k":"v"}}"#)
        #expect(members?.map(\.key) == ["_entry", "job"])
        #expect(members?.map(\.value) == ["line", "j"])
        #expect(JSONFieldReader.topLevelStrings("[1]") == nil)
        #expect(JSONFieldReader.topLevelStrings(#"{"a":"#) == nil)
    }
}
