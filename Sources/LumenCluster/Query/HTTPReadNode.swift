import AsyncHTTPClient
import Dispatch
import Foundation
import LumenEngine
import LumenModel
import NIOCore

/// A node asked over HTTP (`InternalRead`): the request goes out when `start` is called, and the wait polls the
/// query's scope so that a cancelled or timed-out query stops waiting (and cancels the request, which closes its
/// connection, which cancels the read on the other node).
struct HTTPReadNode: RemoteNode {
    let name: String
    let url: String
    /// The partitions it answers for, and the sequence each must have applied (empty: no barrier, no routing).
    let barrier: [Int: UInt64]
    let client: HTTPClient
    /// Sent as a bearer token: the internal endpoint needs the admin token where tokens are configured.
    let adminToken: String?
    /// The longest a read waits, when its query's deadline is later or unknown.
    let timeout: Duration
    /// Routes reads by trace ID to the owner of the trace's partition; nil asks every node.
    let partitioner: Partitioner?
    /// Where the read's latency and failure are counted (`lumen_cluster_remote_read_*`).
    let metrics: ClusterMetrics

    func start(_ read: RemoteRead, _ request: ReadRequest, scope: ReadScope)
        -> (@Sendable () throws -> RemoteReply)?
    {
        if let partitioner, let ids = read.traceIDs, !ids.contains(where: {
            barrier[partitioner.partition(ofHash: PartitionHash.of(tenant: request.tenant, traceID: $0))] != nil
        }) {
            return nil
        }
        let now = ContinuousClock.now
        let deadline = min(scope.deadline ?? now + timeout, now + timeout)
        let left = max(deadline - now, .milliseconds(1))
        let call = InternalRead(
            read: read, request: request, barrier: barrier,
            timeoutMilliseconds: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
        let task: HTTPClient.Task<HTTPClient.Response>
        do {
            var httpRequest = try HTTPClient.Request(url: url + InternalRead.path, method: .POST)
            httpRequest.headers.add(name: "Content-Type", value: "application/json")
            if let adminToken { httpRequest.headers.add(name: "Authorization", value: "Bearer " + adminToken) }
            httpRequest.body = .bytes(try JSONEncoder().encode(call))
            task = client.execute(
                request: httpRequest,
                delegate: ResponseAccumulator(request: httpRequest, maxBodySize: InternalRead.maxReplyBytes),
                deadline: .now() + .nanoseconds(Int64(left.components.seconds) * 1_000_000_000
                    + left.components.attoseconds / 1_000_000_000))
        } catch {
            return { throw error }
        }
        let (name, metrics) = (self.name, self.metrics)
        return {
            var failed = true
            defer { metrics.remoteRead(peer: name, took: now.duration(to: .now), failed: failed) }
            let done = DispatchSemaphore(value: 0)
            task.futureResult.whenComplete { _ in done.signal() }
            while done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
                if scope.shouldStop {
                    task.cancel()
                    throw RemoteReadError(node: name, message: "the query stopped while waiting for it")
                }
            }
            let response: HTTPClient.Response
            do {
                response = try task.futureResult.wait()
            } catch is ResponseAccumulator.ResponseTooBigError {
                throw RemoteReadError(
                    node: name, message: "its reply exceeds \(InternalRead.maxReplyBytes >> 20) MiB: narrow the query")
            }
            let body = response.body.map { Array($0.readableBytesView) } ?? []
            guard response.status == .ok else {
                throw RemoteReadError(
                    node: name, message: "HTTP \(response.status.code): \(String(decoding: body.prefix(500), as: UTF8.self))")
            }
            do {
                let reply = try RemoteReply(encoded: body)
                failed = false
                metrics.remoteReadReceived(peer: name, bytes: body.count, items: reply.answer.items)
                return reply
            } catch {
                throw RemoteReadError(node: name, message: "an answer this build cannot read: \(error)")
            }
        }
    }
}

/// Another node's read failed: it was unreachable, answered with an error, or sent something unreadable.
public struct RemoteReadError: Error, CustomStringConvertible, Sendable {
    public var node: String
    public var message: String
    public var description: String { message }
}
