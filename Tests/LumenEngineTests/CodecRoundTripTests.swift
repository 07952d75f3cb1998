import LumenModel
import Testing
@testable import LumenEngine

/// Property tests: whatever goes into a chunk comes out with the same timestamps and the same value bits.
struct CodecRoundTripTests {
    private func roundTrip(_ samples: [Sample], sourceLocation: SourceLocation = #_sourceLocation) throws -> MetricChunk {
        let chunk = MetricChunk(encoding: samples)
        #expect(try chunk.samples() == samples, sourceLocation: sourceLocation)
        let reread = try MetricChunk(bytes: chunk.bytes)
        #expect(reread.minTime == samples.first!.timestamp, sourceLocation: sourceLocation)
        #expect(reread.maxTime == samples.last!.timestamp, sourceLocation: sourceLocation)
        #expect(reread.count == samples.count, sourceLocation: sourceLocation)
        #expect(reread.encodingID == chunk.encodingID, sourceLocation: sourceLocation)
        #expect(try reread.samples() == samples, sourceLocation: sourceLocation)
        return chunk
    }

    @Test func randomSeriesRoundTripBitExactly() throws {
        var random = CodecFixtures.Random(seed: 42)
        for round in 0..<300 {
            let count = 1 + random.below(round < 50 ? 4 : 400)
            let times: [Int64]
            switch random.below(5) {
            case 0: times = CodecFixtures.regularTimes(count)
            case 1: times = CodecFixtures.jitteredTimes(count, random: &random)
            case 2: times = (0..<count).map { Int64($0) * 17 + Int64(random.below(3)) }  // nanoseconds
            case 3: times = CodecFixtures.regularTimes(count, step: 15 * Timestamp.nanosecondsPerSecond)
            default:
                var time = Int64(bitPattern: random.next()) / 4
                times = (0..<count).map { _ in
                    time &+= Int64(random.below(1 << 20)) * 1000
                    return time
                }
            }
            let pool = CodecFixtures.adversarialValues(count, random: &random)
                + [CodecFixtures.cpuCounter(count, random: &random)]
            let values = pool[random.below(pool.count)]
            _ = try roundTrip(CodecFixtures.samples(times, values))
        }
    }

    @Test func extremeTimestampsRoundTrip() throws {
        let times: [Int64] = [.min, .min + 1, -1, 0, 1, .max - 1, .max]
        _ = try roundTrip(times.map { Sample(timestamp: $0, value: 1) })
        _ = try roundTrip([Sample(timestamp: .max, value: .nan)])
        _ = try roundTrip([.max, .min, 0, .max].map { Sample(timestamp: $0, value: 2) })
    }

    @Test func specialValuesRoundTripInEveryPosition() throws {
        let specials: [Double] = [.nan, .infinity, -.infinity, Double(bitPattern: Sample.staleMarkerBits), -0.0]
        for special in specials {
            for position in 0..<5 {
                var values = [1.0, 1.5, 2.0, 2.5, 3.0]
                values[position] = special
                let chunk = try roundTrip(CodecFixtures.samples(CodecFixtures.regularTimes(5), values))
                #expect(chunk.valueEncoding == .xor, "a decimal chunk cannot hold \(special)")
            }
        }
    }

    @Test func anIteratorSeeksToTheFirstSampleAtOrAfterATime() throws {
        var random = CodecFixtures.Random(seed: 7)
        let times = CodecFixtures.jitteredTimes(500, random: &random)
        let samples = CodecFixtures.samples(times, CodecFixtures.cpuCounter(500, random: &random))
        let chunk = MetricChunk(encoding: samples)
        for target in [times[0] - 1, times[0], times[137] - 1, times[137], times[499], times[499] + 1] {
            var iterator = chunk.makeIterator()
            let expected = samples.first { $0.timestamp >= target }
            #expect(try iterator.seek(to: target) == expected)
            if let expected, let index = samples.firstIndex(of: expected), index + 1 < samples.count {
                #expect(try iterator.next() == samples[index + 1])
            }
        }
    }
}
