/// A regular expression compiled to Thompson-NFA instructions (Russ Cox, "Regular Expression Matching: the
/// Virtual Machine Approach"): consuming instructions test one scalar, `split` forks, `jump` continues
/// elsewhere, `assert` tests the position, `save` records the position in a capture slot. `RegexMachine` runs
/// it in time linear in the text, `RegexSubmatchMachine` too with the slots.
///
/// Repetition is unrolled (`x{2,4}` is `xx(x(x)?)?`), so the size is bounded: at most `maxInstructions`.
struct RegexProgram: Sendable {
    static let maxInstructions = 50_000

    enum Instruction: Sendable {
        case scalar(UInt32)
        /// Index into `sets`.
        case set(Int)
        /// Both continue; the first is preferred (it decides submatches).
        case split(Int, Int)
        case jump(Int)
        case assert(RegexAssertion)
        /// Slot `2 × group` is a group's start, `2 × group + 1` its end.
        case save(Int)
        case match
    }

    private(set) var instructions: [Instruction] = []
    private(set) var sets: [RegexCharacterSet] = []
    private var setIndex: [RegexCharacterSet: Int] = [:]

    /// Throws `tooLarge` when the unrolled program would exceed `maxInstructions`.
    init(_ node: RegexNode, pattern: String) throws(RegexSyntaxError) {
        do {
            try emit(node)
        } catch {
            throw RegexSyntaxError(.tooLarge, pattern)
        }
        instructions.append(.match)
    }

    private struct TooLarge: Error {}

    private mutating func append(_ instruction: Instruction) throws(TooLarge) -> Int {
        guard instructions.count < Self.maxInstructions else { throw TooLarge() }
        instructions.append(instruction)
        return instructions.count - 1
    }

    private mutating func emit(_ node: RegexNode) throws(TooLarge) {
        switch node {
        case .empty: break
        case .scalar(let scalar): _ = try append(.scalar(scalar))
        case .set(let set):
            if let scalar = set.singleScalar {
                _ = try append(.scalar(scalar))
            } else if let index = setIndex[set] {
                _ = try append(.set(index))
            } else {
                setIndex[set] = sets.count
                sets.append(set)
                _ = try append(.set(sets.count - 1))
            }
        case .assertion(let assertion): _ = try append(.assert(assertion))
        case .concatenation(let nodes):
            for node in nodes { try emit(node) }
        case .alternation(let branches):
            // split L1, next; L1: branch; jump end; next: split L2, ...; last branch; end:
            var jumps: [Int] = []
            for branch in branches.dropLast() {
                let split = try append(.split(0, 0))
                try emit(branch)
                jumps.append(try append(.jump(0)))
                instructions[split] = .split(split + 1, instructions.count)
            }
            try emit(branches.last ?? .empty)
            for jump in jumps { instructions[jump] = .jump(instructions.count) }
        case .repetition(let body, let min, let max, let greedy):
            try emitRepetition(body, min: min, max: max, greedy: greedy)
        case .capture(let body, let index):
            _ = try append(.save(2 * index))
            try emit(body)
            _ = try append(.save(2 * index + 1))
        }
    }

    /// A lazy repetition is the greedy one with each split's preference swapped.
    private mutating func emitRepetition(_ body: RegexNode, min: Int, max: Int?, greedy: Bool) throws(TooLarge) {
        func split(more: Int, done: Int) -> Instruction { greedy ? .split(more, done) : .split(done, more) }
        guard let max else {
            if min == 0 {
                // L: split body, end; body; jump L; end:
                let start = try append(.split(0, 0))
                try emit(body)
                _ = try append(.jump(start))
                instructions[start] = split(more: start + 1, done: instructions.count)
            } else {
                // x{n,} is n-1 copies then x+ — L: body; split L, end; end:
                for _ in 1..<min { try emit(body) }
                let start = instructions.count
                try emit(body)
                _ = try append(split(more: start, done: instructions.count + 1))
            }
            return
        }
        for _ in 0..<min { try emit(body) }
        // (x(x(x)?)?)? for the max - min optional copies: each split skips all the rest.
        var splits: [Int] = []
        for _ in min..<max {
            splits.append(try append(.split(0, 0)))
            try emit(body)
        }
        for index in splits { instructions[index] = split(more: index + 1, done: instructions.count) }
    }
}
