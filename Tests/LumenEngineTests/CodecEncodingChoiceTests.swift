import LumenModel
import Testing
@testable import LumenEngine

/// The encoder picks the cheap encoding for each shape of series, and the cheap cases cost what they should.
struct CodecEncodingChoiceTests {
    @Test func aRegularMillisecondScrapeStoresNoBitsPerTimestamp() {
        let samples = CodecFixtures.samples(CodecFixtures.regularTimes(1000), Array(repeating: 3, count: 1000))
        let chunk = MetricChunk(encoding: samples)
        #expect(chunk.timeEncoding == .regular)
        #expect(chunk.timeUnit == .seconds)
        #expect(chunk.valueEncoding == .constant)
        #expect(chunk.bytes.count < 24, "a constant, regular series costs next to nothing")
    }

    @Test func jitteredScrapesCostAboutOneBitPerTimestampWhenMostIntervalsRepeat() {
        var times = CodecFixtures.regularTimes(1000, step: 1000 * Timestamp.nanosecondsPerMillisecond)
        times = times.map { $0 + 7 * Timestamp.nanosecondsPerMillisecond }
        for index in stride(from: 100, to: 1000, by: 100) { times[index] += Timestamp.nanosecondsPerMillisecond }
        let samples = times.map { Sample(timestamp: $0, value: 1) }
        let chunk = MetricChunk(encoding: samples)
        #expect(chunk.timeUnit == .milliseconds)
        #expect(chunk.timeEncoding == .deltaOfDelta)
        let timeBytes = chunk.valueStart - chunk.timeStart
        #expect(Double(timeBytes * 8) / 1000 < 1.25, "\(timeBytes) bytes for 1000 timestamps")
    }

    @Test func aCounterInHundredthsIsStoredAsDecimal() {
        var random = CodecFixtures.Random(seed: 1)
        let samples = CodecFixtures.samples(CodecFixtures.regularTimes(600), CodecFixtures.cpuCounter(600, random: &random))
        let chunk = MetricChunk(encoding: samples)
        #expect(chunk.valueEncoding == .decimal)
        let xorOnly = CodecFixtures.samples(CodecFixtures.regularTimes(600), samples.map(\.value))
        var xor: [UInt8] = []
        XORValueCodec.encode(xorOnly.map(\.value), to: &xor)
        #expect(chunk.bytes.count - chunk.valueStart < xor.count / 2, "decimal should beat XOR by far here")
    }

    @Test func aConstantStepIsStoredAsDecimalStep() {
        let values = (0..<600).map { Double($0) * 0.5 + 10 }
        let chunk = MetricChunk(encoding: CodecFixtures.samples(CodecFixtures.regularTimes(600), values))
        #expect(chunk.valueEncoding == .decimalStep)
        #expect(chunk.bytes.count < 20)
    }

    @Test func randomBitsFallBackToXOR() {
        var random = CodecFixtures.Random(seed: 3)
        let values = (0..<100).map { _ in random.unit() }
        let chunk = MetricChunk(encoding: CodecFixtures.samples(CodecFixtures.regularTimes(100), values))
        #expect(chunk.valueEncoding == .xor)
    }

    @Test func timeUnitsAreTheCoarsestThatLoseNothing() {
        let cases: [(Int64, ChunkFormat.TimeUnit)] = [
            (Timestamp.nanosecondsPerSecond, .seconds), (Timestamp.nanosecondsPerMillisecond, .milliseconds),
            (1_000, .microseconds), (1, .nanoseconds),
        ]
        for (step, unit) in cases {
            let chunk = MetricChunk(encoding: CodecFixtures.regularTimes(10, step: step, from: 0).map {
                Sample(timestamp: $0, value: 0)
            })
            #expect(chunk.timeUnit == unit)
        }
    }

    @Test func decimalScalingIsExactOrRefused() {
        #expect(DecimalValueCodec.decimalParts(0.1)! == (1, -1))
        #expect(DecimalValueCodec.decimalParts(1234.5)! == (12345, -1))
        #expect(DecimalValueCodec.decimalParts(-0.0) == nil)
        #expect(DecimalValueCodec.decimalParts(.nan) == nil)
        #expect(DecimalValueCodec.decimalParts(0.1 + 0.2) == nil)
        #expect(DecimalValueCodec.scale([.nan, 1]) == nil, "NaN is never scaled")
        #expect(DecimalValueCodec.scale([0.1 + 0.2]) == nil, "no value is a short decimal")
        let overflow = DecimalValueCodec.scale([0.5, 1e22])
        #expect(overflow?.exceptions.map(\.index) == [1], "10^22 × 10 overflows the mantissa: an exception")
        let odd = DecimalValueCodec.scale([9.636, 9.636000000000001, 9.665])
        #expect(odd?.exponent == -3)
        #expect(odd?.mantissas == [9636, 9636, 9665])
        #expect(odd?.exceptions.map(\.index) == [1])
        let scaled = DecimalValueCodec.scale([0.25, 3, 1.5])
        #expect(scaled?.exponent == -2)
        #expect(scaled?.mantissas == [25, 300, 150])
    }
}

/// Chunks that store no bits per sample still read back from their bytes alone.
struct CodecCheapChunkTests {
    @Test func aLongConstantRegularChunkReadsBackFromItsBytes() throws {
        let samples = CodecFixtures.samples(CodecFixtures.regularTimes(ChunkFormat.maxSamples), Array(repeating: 7, count: ChunkFormat.maxSamples))
        let chunk = MetricChunk(encoding: samples)
        #expect(chunk.bytes.count < 24)
        let reread = try MetricChunk(bytes: chunk.bytes)
        #expect(reread.maxTime == samples.last!.timestamp)
        #expect(try reread.samples() == samples)
    }
}
