/// Shares a batch among the sequences being served, fairly: every sequence with work gets a token each
/// step (a decode step, or a slice of its prompt), and what is left goes to long prompts in equal parts,
/// so an agent reading a long prompt never stalls another agent's stream.
public enum BatchPlanner {
    /// How many tokens each sequence feeds this step, given how many each has ready (`demands`, in
    /// this step's order of precedence) and the batch capacity.
    public static func plan(demands: [Int], capacity: Int) -> [Int] {
        var counts = demands.map { _ in 0 }
        var left = capacity
        for index in demands.indices where demands[index] > 0 && left > 0 {
            counts[index] = 1
            left -= 1
        }
        // Equal shares of the rest; a share a sequence cannot use passes to the next round.
        while left > 0 {
            let hungry = demands.indices.filter { counts[$0] < demands[$0] }
            guard !hungry.isEmpty else { break }
            let share = max(1, left / hungry.count)
            for index in hungry where left > 0 {
                let extra = min(share, demands[index] - counts[index], left)
                counts[index] += extra
                left -= extra
            }
        }
        return counts
    }
}
