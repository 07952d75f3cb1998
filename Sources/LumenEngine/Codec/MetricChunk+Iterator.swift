import LumenModel

extension MetricChunk {
    /// Decodes a chunk's samples one at a time, timestamps and values in step. A value type: copying an
    /// iterator forks the position. `next()` and `seek(to:)` throw `ChunkError` on damaged bytes.
    public struct Iterator {
        private var times: TimestampDecoder?
        private var values: ValueDecoder?
        private var failure: ChunkError?
        private var remaining: Int

        init(_ chunk: MetricChunk) {
            remaining = chunk.count
            do throws(ChunkError) {
                times = try TimestampDecoder(
                    BitReader(chunk.bytes, start: chunk.timeStart, end: chunk.valueStart),
                    encoding: chunk.timeEncoding, unit: chunk.timeUnit, count: chunk.count)
                values = try ValueDecoder(
                    BitReader(chunk.bytes, start: chunk.valueStart, end: chunk.bytes.count, baseOffset: 0),
                    encoding: chunk.valueEncoding, count: chunk.count)
            } catch {
                failure = error
            }
        }

        /// The next sample, or nil after the last.
        @inline(__always)
        public mutating func next() throws(ChunkError) -> Sample? {
            if let failure { throw failure }
            guard remaining > 0, let time = try times!.next() else { return nil }
            remaining -= 1
            return Sample(timestamp: time, value: try values!.next())
        }

        /// Skips to the first sample at or after `time` and returns it (consumed), or nil if there is none.
        /// Decoding is sequential, so this costs as much as reading the samples skipped.
        public mutating func seek(to time: Int64) throws(ChunkError) -> Sample? {
            while let sample = try next() {
                if sample.timestamp >= time { return sample }
            }
            return nil
        }
    }
}
