/// Runs a `RegexProgram` with `save` instructions as a Pike VM with capture slots (Russ Cox, "Regular
/// Expression Matching: the Virtual Machine Approach"; the NFA of RE2 and Go's `regexp`). The live threads are
/// kept in priority order, each with its own slots; a thread's closure is explored depth first, preferred
/// branch first, and each instruction enters a list once per position, so the first thread to reach it is the
/// one a backtracking engine would have found first. The first thread to reach `match` cuts off every thread
/// of lower priority: the answer is the leftmost-first match and its submatches, as Go's
/// `FindSubmatchIndex` reports them. A run costs `O(instructions × slots × scalars)`, whatever the pattern.
///
/// Thread-safety: a value; each run allocates its own lists.
struct RegexSubmatchMachine: Sendable {
    let program: RegexProgram
    /// Two per group, the whole match (group 0) included.
    let slotCount: Int

    /// The slots of the leftmost-first match starting at or after `start` (scalar offsets into `scalars`; -1
    /// for a group that took no part), or nil without a match. Assertions at `start` see the scalar before it.
    func firstMatch(_ scalars: [UInt32], from start: Int) -> [Int]? {
        var current = ThreadList(capacity: program.instructions.count, slots: slotCount)
        var next = current
        var search = Search(instructions: program.instructions, sets: program.sets, scalars: scalars,
                            slots: [Int](repeating: -1, count: slotCount))
        var matched: [Int]?
        var position = start
        while true {
            if current.isEmpty && matched != nil { break }
            if matched == nil {
                for slot in search.slots.indices { search.slots[slot] = -1 }
                search.addClosure(0, at: position, to: &current)
            }
            let scalar = position < scalars.count ? scalars[position] : RegexMachine.none
            threads: for thread in 0..<current.count {
                let pc = current.pcs[thread]
                switch program.instructions[pc] {
                case .match:
                    matched = current.slots(of: thread)
                    break threads  // Lower-priority threads are cut off.
                case .scalar(let expected):
                    guard scalar == expected else { continue }
                case .set(let set):
                    guard scalar != RegexMachine.none, program.sets[set].contains(scalar) else { continue }
                default:
                    continue
                }
                current.copySlots(of: thread, into: &search.slots)
                search.addClosure(pc + 1, at: position + 1, to: &next)
            }
            if position >= scalars.count { break }
            position += 1
            swap(&current, &next)
            next.removeAll()
        }
        return matched
    }

    /// The threads of one position in priority order: an instruction and the slots it carries.
    private struct ThreadList {
        private(set) var pcs: [Int] = []
        private var slotValues: [Int] = []
        private let slots: Int

        init(capacity: Int, slots: Int) {
            self.slots = slots
            pcs.reserveCapacity(capacity)
            slotValues.reserveCapacity(capacity * slots)
        }

        var count: Int { pcs.count }
        var isEmpty: Bool { pcs.isEmpty }

        func slots(of thread: Int) -> [Int] { Array(slotValues[thread * slots..<(thread + 1) * slots]) }

        /// Like `slots(of:)` into an array of the right size, without allocating.
        func copySlots(of thread: Int, into target: inout [Int]) {
            for slot in 0..<slots { target[slot] = slotValues[thread * slots + slot] }
        }

        mutating func append(_ pc: Int, _ values: [Int]) {
            pcs.append(pc)
            slotValues.append(contentsOf: values)
        }

        mutating func removeAll() {
            pcs.removeAll(keepingCapacity: true)
            slotValues.removeAll(keepingCapacity: true)
        }
    }

    /// The closure walk: which instructions a list already holds, and the slots of the thread being followed.
    private struct Search {
        let instructions: [RegexProgram.Instruction]
        let sets: [RegexCharacterSet]
        let scalars: [UInt32]
        var slots: [Int]
        /// `mark[pc] == position + 1`: pc is already in that position's list.
        var mark: [Int]
        var stack: [Step] = []

        enum Step {
            case visit(Int)
            /// Undo a `save` once everything after it has been explored.
            case restore(slot: Int, value: Int)
        }

        init(instructions: [RegexProgram.Instruction], sets: [RegexCharacterSet], scalars: [UInt32], slots: [Int]) {
            self.instructions = instructions
            self.sets = sets
            self.scalars = scalars
            self.slots = slots
            mark = [Int](repeating: 0, count: instructions.count)
        }

        /// Adds `start` and everything reachable from it without consuming a scalar to `list`, in priority order.
        mutating func addClosure(_ start: Int, at position: Int, to list: inout ThreadList) {
            let previous = position > 0 && position - 1 < scalars.count ? scalars[position - 1] : RegexMachine.none
            let next = position < scalars.count ? scalars[position] : RegexMachine.none
            stack.append(.visit(start))
            while let step = stack.popLast() {
                switch step {
                case .restore(let slot, let value):
                    slots[slot] = value
                case .visit(let pc):
                    guard mark[pc] != position + 1 else { continue }
                    mark[pc] = position + 1
                    switch instructions[pc] {
                    case .scalar, .set, .match:
                        list.append(pc, slots)
                    case .jump(let target):
                        stack.append(.visit(target))
                    case .split(let preferred, let other):
                        stack.append(.visit(other))
                        stack.append(.visit(preferred))
                    case .assert(let assertion):
                        if assertion.holds(previous: previous, next: next) { stack.append(.visit(pc + 1)) }
                    case .save(let slot):
                        stack.append(.restore(slot: slot, value: slots[slot]))
                        slots[slot] = position
                        stack.append(.visit(pc + 1))
                    }
                }
            }
        }
    }
}
