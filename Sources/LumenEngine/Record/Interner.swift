/// Numbers distinct values in order of first appearance. Checks the previous value first: consecutive
/// spans and logs of a batch usually share their resource and scope.
struct Interner<Item: Hashable> {
    private(set) var items: [Item] = []
    private var indices: [Item: Int] = [:]
    private var lastIndex = -1

    mutating func index(of item: Item) -> Int {
        if lastIndex >= 0 && items[lastIndex] == item { return lastIndex }
        if let index = indices[item] {
            lastIndex = index
            return index
        }
        let index = items.count
        items.append(item)
        indices[item] = index
        lastIndex = index
        return index
    }
}
