import LumenModel
import Testing
@testable import LumenEngine

struct BatchRecordTests {
    @Test func aRichBatchSurvivesARoundTripExactly() throws {
        let batch = BatchRecordFixtures.rich
        let decoded = try BatchRecord.decode(BatchRecord.encode(batch))
        #expect(decoded == batch)
        #expect(decoded.spans.map(\.resource) == batch.spans.map(\.resource))
        #expect(decoded.logs[1].scope == InstrumentationScope())
    }

    @Test func floatBitsAreKeptIncludingNaNPayloadsAndTheStaleMarker() throws {
        let batch = BatchRecordFixtures.rich
        let decoded = try BatchRecord.decode(BatchRecord.encode(batch))
        let bits = decoded.series.flatMap(\.samples).map(\.value.bitPattern)
        #expect(bits == batch.series.flatMap(\.samples).map(\.value.bitPattern))
        #expect(decoded.series[1].samples[0].isStaleMarker)
    }

    @Test func aNaNAttributeKeepsItsPayloadBits() throws {
        let nan = Double(bitPattern: 0x7ff8_0000_0000_0abc)
        let batch = Batch(logs: [LogRecord(time: 1, body: .array([.double(nan)]), resource: Resource())])
        let decoded = try BatchRecord.decode(BatchRecord.encode(batch))
        guard case .array(let values) = decoded.logs[0].body, case .double(let value) = values.first else {
            Issue.record("the body is not an array holding a double: \(decoded.logs[0].body)")
            return
        }
        #expect(value.bitPattern == nan.bitPattern)
    }

    @Test func anEmptyBatchKeepsItsTenant() throws {
        let batch = Batch(tenant: Tenant("acme")!)
        let bytes = BatchRecord.encode(batch)
        #expect(bytes == [BatchRecord.version, 4] + Array("acme".utf8) + [0, 0, 0, 0, 0])
        #expect(try BatchRecord.decode(bytes) == batch)
    }

    @Test func aResourceSharedBySpansAndLogsIsWrittenOnce() throws {
        let resource = Resource(attributes: [Attribute("service.name", .string("unique-service-name"))])
        let spans = (0..<50).map {
            Span(traceID: TraceID(high: 1, low: UInt64($0)), spanID: SpanID(UInt64($0) + 1), name: "op",
                startTime: 1, endTime: 2, resource: resource)
        }
        let logs = (0..<50).map { LogRecord(time: Int64($0), body: .string("line"), resource: resource) }
        let bytes = BatchRecord.encode(Batch(spans: spans, logs: logs))
        let needle = Array("unique-service-name".utf8)
        let occurrences = (0...(bytes.count - needle.count)).filter { bytes[$0..<$0 + needle.count].elementsEqual(needle) }
        #expect(occurrences.count == 1)
        #expect(try BatchRecord.decode(bytes) == Batch(spans: spans, logs: logs))
    }

    @Test func aResourceWithoutServiceNameIsNotGivenOneByDecoding() throws {
        var bare = Resource()
        bare.attributes = []
        let batch = Batch(logs: [LogRecord(time: 1, body: .string("x"), resource: bare)])
        #expect(try BatchRecord.decode(BatchRecord.encode(batch)).logs[0].resource.attributes.isEmpty)
    }

    @Test func everyTruncationOfARecordIsAnErrorNotACrash() {
        let bytes = BatchRecord.encode(BatchRecordFixtures.rich)
        for length in 0..<bytes.count {
            #expect(throws: BatchRecordError.self) { try BatchRecord.decode(Array(bytes[..<length])) }
        }
    }

    @Test func flippedBytesNeverCrashTheDecoder() {
        let bytes = BatchRecord.encode(BatchRecordFixtures.rich)
        var rejected = 0
        for index in bytes.indices {
            for mask: UInt8 in [0x01, 0x80, 0xff] {
                var damaged = bytes
                damaged[index] ^= mask
                if (try? BatchRecord.decode(damaged)) == nil { rejected += 1 }
            }
        }
        #expect(rejected > bytes.count)  // most damage is detected; the rest decodes to some other batch
    }

    @Test func anUnknownVersionIsRejectedAtOffsetZero() {
        var bytes = BatchRecord.encode(Batch())
        bytes[0] = 99
        let error = #expect(throws: BatchRecordError.self) { try BatchRecord.decode(bytes) }
        #expect(error?.offset == 0)
        #expect(error?.message.contains("version 99") == true)
    }

    @Test func trailingBytesAreRejectedWithTheirOffset() {
        let bytes = BatchRecord.encode(Batch())
        let error = #expect(throws: BatchRecordError.self) { try BatchRecord.decode(bytes + [0]) }
        #expect(error?.offset == bytes.count)
    }

    @Test func aHugeCountFailsBeforeAllocating() {
        // version, tenant "a", then a resource count of 2^62.
        let bytes: [UInt8] = [BatchRecord.version, 1, UInt8(ascii: "a"), 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
            0x80, 0x40]
        let error = #expect(throws: BatchRecordError.self) { try BatchRecord.decode(bytes) }
        #expect(error?.offset == 3)
        #expect(error?.message.contains("resource count") == true)
    }

    @Test func valuesNestedBeyondTheLimitAreRefused() {
        var value = AttributeValue.int(1)
        for _ in 0...BatchRecord.maxValueDepth { value = .array([value]) }
        let batch = Batch(logs: [LogRecord(time: 1, body: value, resource: Resource())])
        let error = #expect(throws: BatchRecordError.self) { try BatchRecord.decode(BatchRecord.encode(batch)) }
        #expect(error?.message.contains("nested deeper") == true)
    }

    @Test func invalidUTF8InAStringIsReportedWithItsOffset() {
        let bytes: [UInt8] = [BatchRecord.version, 2, 0xC3, 0x28, 0, 0, 0, 0, 0]
        let error = #expect(throws: BatchRecordError.self) { try BatchRecord.decode(bytes) }
        #expect(error?.offset == 1)
        #expect(error?.message.contains("UTF-8") == true)
    }

    @Test func invalidUTF8WhoseRepairHasTheSameLengthIsStillRefused() {
        // F0 9F 98 is a four-byte sequence cut short; repaired, it becomes U+FFFD, three bytes as well.
        let bytes: [UInt8] = [4, 0xF0, 0x9F, 0x98, 0x41]
        let error = bytes.withUnsafeBufferPointer { buffer in
            var reader = ByteReader(buffer)
            return #expect(throws: BatchRecordError.self) { try reader.string("text") }
        }
        #expect(error?.message.contains("UTF-8") == true)
    }
}
