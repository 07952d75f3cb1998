import Testing
import LumenModel

struct TraceIDTests {
    @Test func hexRoundTripsThroughBytes() {
        let id = TraceID(hex: "0af7651916cd43dd8448eb211c80319c")!
        #expect(id.hex == "0af7651916cd43dd8448eb211c80319c")
        #expect(TraceID(bytes: id.bytes) == id)
        #expect(TraceID(hex: "0AF7651916CD43DD8448EB211C80319C") == id)
    }

    @Test func rejectsWrongLengthsAndNonHex() {
        #expect(TraceID(hex: "0af7") == nil)
        #expect(TraceID(hex: "zzf7651916cd43dd8448eb211c80319c") == nil)
        #expect(SpanID(hex: "b7ad6b7169203331")?.hex == "b7ad6b7169203331")
        #expect(SpanID(bytes: [1, 2, 3]) == nil)
    }

    @Test func severityLevelsFollowOpenTelemetryRanges() {
        #expect(Severity(number: 9).level == .info)
        #expect(Severity(number: 13).level == .warn)
        #expect(Severity(number: 24).level == .fatal)
        #expect(Severity(number: 0).level == .unspecified)
        #expect(Severity.Level(name: "WARNING") == .warn)
        #expect(Severity(.error).number == 17)
    }

    @Test func durationsParseAndFormatAsPeopleWriteThem() {
        #expect(DurationText.parse("500ms") == 500_000_000)
        #expect(DurationText.parse("1h30m") == 5_400_000_000_000)
        #expect(DurationText.parse("1.5s") == 1_500_000_000)
        #expect(DurationText.parse("5") == nil)
        #expect(DurationText.format(12_345_678) == "12.3ms")
        #expect(DurationText.format(2_500_000_000) == "2.5s")
        #expect(DurationText.format(950_000) == "950µs")
    }

    @Test func labelsSortDropEmptyValuesAndPrintLikePrometheus() {
        let labels = Labels(["__name__": "up", "job": "api", "empty": "", "a": "x\"y"])
        #expect(labels.map(\.name) == ["__name__", "a", "job"])
        #expect(labels.description == #"up{a="x\"y", job="api"}"#)
        #expect(Tenant("team-a") != nil)
        #expect(Tenant("../etc") == nil)
    }
}
