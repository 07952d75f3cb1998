import Foundation
import Synchronization

/// A storage node's side of read-your-writes: before answering a read it waits until it has applied, for each
/// partition the asking node expects it to hold, every message up to the stream sequence the asker read when
/// the query began — so a client whose write was acknowledged before it queried sees that write.
///
/// A partition has met a sequence S when its applier's highest applied sequence reaches S, or when, after S
/// existed, its consumer had nothing left to deliver and nothing delivered unacknowledged (a partition shares
/// its stream with others, so its own last message may be far below the stream's last sequence). Acknowledging
/// follows applying, so an empty consumer means every message stored before the check is applied; the highest
/// stream sequence read before such a check is remembered per partition (`caughtUpThrough`), so later reads below
/// it need no request.
public final class ReadBarrier: Sendable {
    let node: ClusterNode
    private let caughtUpThrough = Mutex<[Int: UInt64]>([:])
    /// Between checks of a partition that has not met its sequence.
    static let pollInterval: Duration = .milliseconds(10)
    /// The longest a read waits for its barrier, whatever its query's deadline.
    public static let longestWait: Duration = .seconds(2)

    public init(node: ClusterNode) {
        self.node = node
    }

    /// Waits until every partition in `sequences` has met its sequence; nil once they have, else why not
    /// (a partition this node does not hold, or one still behind at `deadline` or when `shouldStop` says so).
    /// Blocks: call it on a query thread.
    public func wait(
        for sequences: [Int: UInt64], until deadline: ContinuousClock.Instant, shouldStop: () -> Bool
    ) -> String? {
        var waiting = sequences
        while true {
            var streamLast: [String: UInt64] = [:]
            for (partition, sequence) in waiting {
                switch check(partition, sequence, streamLast: &streamLast) {
                case .met: waiting[partition] = nil
                case .notHeld: return "node \(node.configuration.node) does not hold partition \(partition) (it moved)"
                case .behind: break
                }
            }
            if waiting.isEmpty { return nil }
            if ContinuousClock.now + Self.pollInterval > deadline || shouldStop() {
                let behind = waiting.keys.sorted().prefix(8).map { partition in
                    "\(partition) (applied \(node.ownership?.heldPartitions[partition]?.progress.appliedSequence ?? 0) "
                        + "of \(waiting[partition]!))"
                }
                return "node \(node.configuration.node) has not applied its partitions' acknowledged writes in time: "
                    + behind.joined(separator: ", ")
            }
            Thread.sleep(forTimeInterval: Double(Self.pollInterval.components.attoseconds) / 1e18)
        }
    }

    private enum Check { case met, notHeld, behind }

    private func check(_ partition: Int, _ sequence: UInt64, streamLast: inout [String: UInt64]) -> Check {
        guard let held = node.ownership?.heldPartitions[partition] else { return .notHeld }
        if held.progress.appliedSequence >= sequence { return .met }
        if caughtUpThrough.withLock({ $0[partition] ?? 0 }) >= sequence { return .met }
        guard held.progress.state == .active else { return .behind }
        let stream = node.layout.stream(ofPartition: partition)
        do {
            // The stream's last sequence before the consumer's state: an empty consumer then covers it.
            if streamLast[stream] == nil { streamLast[stream] = try node.jetStream.streamState(stream)?.lastSequence }
            let last = streamLast[stream] ?? 0
            let pending = try node.jetStream.pending(
                stream: stream, consumer: "p\(partition)-e\(held.epoch)")
            guard pending.undelivered == 0, pending.unacknowledged == 0 else { return .behind }
            caughtUpThrough.withLock { $0[partition] = max($0[partition] ?? 0, last) }
            return last >= sequence ? .met : .behind
        } catch {
            return .behind
        }
    }
}
