import Dispatch

extension Array where Element: Sendable {
    /// `map` spread over every core, the order kept: for work that is independent from element to element, such
    /// as decoding one series' chunks or computing one series' rates. Small arrays are mapped in place, where
    /// handing work to other threads would cost more than it saves.
    ///
    /// `transform` runs on several threads at once, so it must not mutate shared state.
    public func concurrentMap<T: Sendable, E: Error>(
        minimumPerThread: Int = 32, _ transform: @Sendable (Element) throws(E) -> T
    ) throws(E) -> [T] {
        // A few slices per core, so that a core that finishes early takes another.
        let slices = Swift.min(count / Swift.max(minimumPerThread, 1), 64)
        guard slices > 1 else { return try map(transform) }
        var results = [Result<T, E>?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { output in
            self.withUnsafeBufferPointer { input in
                // Each slice writes its own indexes of `output` only, and `input` is not written at all.
                nonisolated(unsafe) let (input, output) = (input, output)
                DispatchQueue.concurrentPerform(iterations: slices) { slice in
                    for index in (slice * input.count / slices)..<((slice + 1) * input.count / slices) {
                        output[index] = Result { () throws(E) in try transform(input[index]) }
                    }
                }
            }
        }
        return try results.map { result throws(E) in try result!.get() }
    }
}
