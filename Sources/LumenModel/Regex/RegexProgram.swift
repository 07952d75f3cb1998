/// A regular expression compiled to Thompson-NFA instructions (Russ Cox, "Regular Expression Matching: the
/// Virtual Machine Approach"): consuming instructions test one scalar, `split` forks, `jump` continues
/// elsewhere, `assert` tests the position. `RegexMachine` runs it in time linear in the text.
///
/// Repetition is unrolled (`x{2,4}` is `xx(x(x)?)?`), so the size is bounded: at most `maxInstructions`.
struct RegexProgram: Sendable {
    static let maxInstructions = 50_000

    enum Instruction: Sendable {
        case scalar(UInt32)
        /// Index into `sets`.
        case set(Int)
        case split(Int, Int)
        case jump(Int)
        case assert(RegexAssertion)
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
        case .repetition(let body, let min, let max):
            try emitRepetition(body, min: min, max: max)
        }
    }

    private mutating func emitRepetition(_ body: RegexNode, min: Int, max: Int?) throws(TooLarge) {
        guard let max else {
            if min == 0 {
                // L: split body, end; body; jump L; end:
                let split = try append(.split(0, 0))
                try emit(body)
                _ = try append(.jump(split))
                instructions[split] = .split(split + 1, instructions.count)
            } else {
                // x{n,} is n-1 copies then x+ — L: body; split L, end; end:
                for _ in 1..<min { try emit(body) }
                let start = instructions.count
                try emit(body)
                _ = try append(.split(start, instructions.count + 1))
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
        for split in splits { instructions[split] = .split(split + 1, instructions.count) }
    }
}
