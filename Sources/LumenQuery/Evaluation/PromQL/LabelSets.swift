import LumenModel

/// The label sets one query deals in, each stored once and known by its index (its id).
///
/// A range query evaluates its expression at every step, over the same series each time. With ids, per-step
/// work hashes and compares integers, and label arithmetic — the name dropped, a grouping key, a matching
/// signature — is derived once per label set and remembered, not redone at every step.
///
/// A value type, so that loops over a step's elements run inside one mutating call: the evaluator, a class,
/// would otherwise pay a dynamic exclusivity check on every access to its state.
struct LabelSets {
    /// A label set derived from another, remembered per id.
    enum Derivation: Hashable {
        case droppingName
        case keeping(Set<String>)
        case removing(Set<String>)

        func apply(_ labels: Labels) -> Labels {
            switch self {
            case .droppingName: labels.droppingName
            case .keeping(let names): labels.keeping(names)
            case .removing(let names): labels.removing(names)
            }
        }
    }

    private(set) var all: [Labels] = []
    private var ids: [Labels: Int] = [:]
    private var derivations: [Derivation] = []
    private var slots: [Derivation: Int] = [:]
    /// `derived[slot][id]`: the id of `derivations[slot]` applied to `id`'s labels, or -1 if not yet known.
    private var derived: [[Int]] = []
    /// Scratch for `isUnique` and `grouped`: `marks[id] == generation` marks an id seen in this pass.
    private var marks: [UInt32] = []
    private var groupIndex: [Int] = []
    private var generation: UInt32 = 0

    init() {
        _ = slot(.droppingName)
    }

    /// The id of `labels`, a new one if they are new.
    mutating func id(_ labels: Labels) -> Int {
        if let id = ids[labels] { return id }
        all.append(labels)
        ids[labels] = all.count - 1
        return all.count - 1
    }

    subscript(id: Int) -> Labels { all[id] }

    /// A handle for `derivation`, to look up once and then use for every element of a step.
    mutating func slot(_ derivation: Derivation) -> Int {
        if let slot = slots[derivation] { return slot }
        derivations.append(derivation)
        derived.append([])
        slots[derivation] = derivations.count - 1
        return derivations.count - 1
    }

    /// The id of the labels `slot`'s derivation makes of `id`'s labels.
    mutating func derive(_ id: Int, _ slot: Int) -> Int {
        if id < derived[slot].count, derived[slot][id] >= 0 { return derived[slot][id] }
        let result = self.id(derivations[slot].apply(all[id]))
        if derived[slot].count <= id { derived[slot] += repeatElement(-1, count: all.count - derived[slot].count) }
        derived[slot][id] = result
        return result
    }

    /// The id of `id`'s labels without `__name__` (the first slot), as functions and arithmetic return them.
    mutating func droppingName(_ id: Int) -> Int { derive(id, 0) }

    /// `derive` for every id of a step.
    mutating func derive(_ ids: [Int], _ slot: Int) -> [Int] { ids.map { derive($0, slot) } }

    /// Whether no id occurs twice.
    mutating func isUnique(_ ids: some Sequence<Int>) -> Bool {
        startPass()
        for id in ids {
            if marks[id] == generation { return false }
            marks[id] = generation
        }
        return true
    }

    /// `items` by their `keys` (ids, one per item), groups in the order they first appear.
    mutating func grouped<Item>(_ items: [Item], keys: [Int]) -> [(key: Int, members: [Item])] {
        var groups: [(key: Int, members: [Item])] = []
        startPass()
        for (item, key) in zip(items, keys) {
            if marks[key] == generation {
                groups[groupIndex[key]].members.append(item)
            } else {
                marks[key] = generation
                groupIndex[key] = groups.count
                groups.append((key, [item]))
            }
        }
        return groups
    }

    /// A fresh generation of marks, covering every id handed out so far.
    private mutating func startPass() {
        if marks.count < all.count {
            marks += repeatElement(0, count: all.count - marks.count)
            groupIndex += repeatElement(0, count: all.count - groupIndex.count)
        }
        generation &+= 1
        if generation == 0 {
            marks = Array(repeating: 0, count: marks.count)
            generation = 1
        }
    }
}
