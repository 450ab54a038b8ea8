/// The city's areas and which border which: hop distances for "own area first, then the
/// nearest". Adjacency is taken as symmetric (a border is a border both ways).
///
/// Concurrency: a value type; `Sendable`.
public struct AreaMap: Sendable, Equatable {
    private var neighbours: [String: Set<String>] = [:]

    /// A map from an adjacency list.
    public init(_ adjacency: [String: [String]]) {
        for (area, list) in adjacency {
            neighbours[area, default: []].formUnion(list)
            for other in list { neighbours[other, default: []].insert(area) }
        }
    }

    /// Hops from `area` to every area reachable from it (0 for itself).
    public func distances(from area: String) -> [String: Int] {
        var distance = [area: 0]
        var frontier = [area]
        while !frontier.isEmpty {
            var next: [String] = []
            for current in frontier {
                let hops = (distance[current] ?? 0) + 1
                for neighbour in neighbours[current, default: []] where distance[neighbour] == nil {
                    distance[neighbour] = hops
                    next.append(neighbour)
                }
            }
            frontier = next
        }
        return distance
    }
}
