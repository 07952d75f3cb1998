/// Runs a `RegexProgram` over a text as a Pike VM without captures (Thompson's simulation): the set of live
/// instructions advances one scalar at a time, and each instruction enters the set at most once per
/// position, so a run costs at most `2 × instructions × (scalars + 1)` steps, whatever the pattern —
/// `(a+)+$` against 100,000 `a`s and a `!` is as cheap as `a+$`.
///
/// Thread-safety: a value; each run allocates its own scratch space (on the stack when it is small).
struct RegexMachine: Sendable {
    /// The scalar "before the start" and "after the end", for assertions.
    static let none = UInt32.max

    let program: RegexProgram

    struct Outcome {
        let matched: Bool
        /// Instructions visited: the work done, bounded by `2 × instructions × (scalars + 1)`.
        let steps: Int
    }

    /// Whether the program matches the text: a match must begin at its start when `anchoredStart`, end at its
    /// end when `anchoredEnd` (both: a whole match; neither: anywhere).
    func run(_ text: some Sequence<Unicode.Scalar>, anchoredStart: Bool, anchoredEnd: Bool) -> Outcome {
        let count = program.instructions.count
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * count) { scratch in
            // mark[pc] == position: pc is already in this position's list.
            let mark = UnsafeMutableBufferPointer(rebasing: scratch[0..<count])
            let live = UnsafeMutableBufferPointer(rebasing: scratch[count..<2 * count])
            let pending = UnsafeMutableBufferPointer(rebasing: scratch[2 * count..<3 * count])
            let stack = UnsafeMutableBufferPointer(rebasing: scratch[3 * count..<4 * count])
            mark.initialize(repeating: -1)
            return program.instructions.withUnsafeBufferPointer { instructions in
                var state = State(instructions: instructions, sets: program.sets, mark: mark, live: live,
                                  stack: stack, anchoredStart: anchoredStart, anchoredEnd: anchoredEnd)
                return state.run(text, pending: pending)
            }
        }
    }

    private struct State {
        let instructions: UnsafeBufferPointer<RegexProgram.Instruction>
        let sets: [RegexCharacterSet]
        let mark: UnsafeMutableBufferPointer<Int>
        let live: UnsafeMutableBufferPointer<Int>
        let stack: UnsafeMutableBufferPointer<Int>
        let anchoredStart: Bool
        let anchoredEnd: Bool
        var liveCount = 0
        var steps = 0
        var position = 0
        var previous = RegexMachine.none
        var current = RegexMachine.none
        var matched = false

        mutating func run(_ text: some Sequence<Unicode.Scalar>, pending: UnsafeMutableBufferPointer<Int>) -> Outcome {
            var scalars = text.makeIterator()
            current = scalars.next()?.value ?? RegexMachine.none
            var pendingCount = 0
            while true {
                liveCount = 0
                if position == 0 || !anchoredStart { addClosure(0) }
                for index in 0..<pendingCount where !matched { addClosure(pending[index]) }
                if matched { break }
                if current == RegexMachine.none || (anchoredStart && liveCount == 0) { break }
                pendingCount = 0
                for index in 0..<liveCount {
                    let pc = live[index]
                    steps += 1
                    let accepts: Bool
                    switch instructions[pc] {
                    case .scalar(let scalar): accepts = scalar == current
                    case .set(let set): accepts = sets[set].contains(current)
                    default: accepts = false
                    }
                    if accepts {
                        pending[pendingCount] = pc + 1
                        pendingCount += 1
                    }
                }
                previous = current
                current = scalars.next()?.value ?? RegexMachine.none
                position += 1
            }
            return Outcome(matched: matched, steps: steps)
        }

        /// Adds `start` and everything reachable from it without consuming a scalar to the live list.
        private mutating func addClosure(_ start: Int) {
            guard mark[start] != position else { return }
            mark[start] = position
            stack[0] = start
            var depth = 1
            while depth > 0 {
                depth -= 1
                let pc = stack[depth]
                steps += 1
                switch instructions[pc] {
                case .scalar, .set:
                    live[liveCount] = pc
                    liveCount += 1
                case .jump(let target):
                    push(target, &depth)
                case .split(let first, let second):
                    push(second, &depth)
                    push(first, &depth)
                case .assert(let assertion):
                    if assertion.holds(previous: previous, next: current) { push(pc + 1, &depth) }
                case .save:
                    push(pc + 1, &depth)
                case .match:
                    if !anchoredEnd || current == RegexMachine.none {
                        matched = true
                        return
                    }
                }
            }
        }

        private func push(_ pc: Int, _ depth: inout Int) {
            guard mark[pc] != position else { return }
            mark[pc] = position
            stack[depth] = pc
            depth += 1
        }
    }
}
