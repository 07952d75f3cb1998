import LumenModel
import LumenQuery

/// Which lines a tail has sent and which range it reads next: a tail polls the store, and this makes the polls
/// add up to each line exactly once.
///
/// Contract: the backlog is the newest `limit` lines of `[start, now − delay]`, sent oldest first (as Loki sends
/// it); then each read covers `[next, now − delay]` (lines newer than `now − delay` wait, as `delay_for` asks).
/// After a complete read, `next` goes back `grace` before its end, so a line that arrives up to `grace` after
/// its own timestamp is still sent; the lines already sent in that overlap are remembered (by time and a
/// fingerprint of stream and text) and not sent again. A line arriving later than that is not tailed (a range
/// query finds it). A read cut by its limit resumes at its newest line's time.
struct LokiTailCursor {
    /// One sent line: its time, and a hash of its stream labels and text.
    private struct Key: Hashable {
        let time: Int64
        let fingerprint: Int
    }

    let delay: Int64
    let grace: Int64
    /// Nothing older is sent: `start`, or past the oldest backlog line when the backlog was cut by its limit.
    private(set) var floor: Int64
    /// Where the next read starts (inclusive).
    private(set) var next: Int64
    /// The lines sent at or after `next`.
    private var sent: Set<Key> = []

    init(start: Int64, delay: Int64, grace: Int64) {
        self.delay = delay
        self.grace = grace
        floor = start
        next = start
    }

    /// The newest time a read at `now` may include; lines after it are held back by `delay`.
    func upper(now: Int64) -> Int64 { now - delay }

    /// The range the next read covers at `now`, or nil while it would be empty.
    func window(now: Int64) -> ClosedRange<Int64>? {
        let upper = upper(now: now)
        return next <= upper ? next...upper : nil
    }

    /// Takes the backlog, read newest first from `[start, upper]` with `limit`, and returns it oldest first.
    mutating func backlog(_ newestFirst: [LabeledLine], limit: Int, upper: Int64) -> [LabeledLine] {
        if newestFirst.count >= limit, let oldest = newestFirst.last {
            // The older lines were left out of the backlog: the tail must not send them later either.
            floor = max(floor, oldest.time + 1)
        }
        let lines = Array(newestFirst.reversed())
        for line in lines { sent.insert(Self.key(line)) }
        moveNext(to: max(floor, upper - grace))
        return lines
    }

    /// Takes what a read of `window` returned (oldest first; `complete` unless its limit cut it) and returns the
    /// lines not sent before, in that order.
    mutating func advance(_ lines: [LabeledLine], window: ClosedRange<Int64>, complete: Bool) -> [LabeledLine] {
        let fresh = lines.filter { $0.time >= floor && sent.insert(Self.key($0)).inserted }
        if complete {
            moveNext(to: max(floor, window.upperBound - grace, next))
        } else if let newest = lines.last?.time {
            // Resume at the newest line read; if the whole page had one timestamp, past it, or no read would end.
            moveNext(to: newest > window.lowerBound ? newest : newest + 1)
        }
        return fresh
    }

    private mutating func moveNext(to time: Int64) {
        next = time
        sent = sent.filter { $0.time >= time }
    }

    private static func key(_ line: LabeledLine) -> Key {
        var hasher = Hasher()
        hasher.combine(line.stream)
        hasher.combine(line.line)
        return Key(time: line.time, fingerprint: hasher.finalize())
    }
}
