import Foundation
import Hummingbird
import LumenCluster
import LumenEngine
import NIOCore

/// `POST /lumen/v1/internal/read`: what this node's own store holds for one source read of another node's query
/// (`InternalRead` in, `RemoteAnswer` bytes out), so that node merges it with the same code as its own sources.
/// Answered from the local store only, never fanned out again. Where tokens are configured it needs the admin
/// token (the request names any tenant).
///
/// Before reading, a storage node in a cluster waits (`ReadBarrier`, at most 2 s or the asker's time) until it
/// has applied the stream sequences the asker sent; a partition it does not hold or has not caught up answers
/// 503. The read stops at the request's limit (log and span pages at a page's, `RemotePaging`), and once the
/// asker's time is up or it goes away. The reply carries the warnings of the read (a damaged page left out), so the
/// asker's answer shows them; a reply larger than `InternalRead.maxReplyBytes` is refused with an error naming it.
struct InternalReadRoutes: Sendable {
    /// This node's own data (`LumenServer.ownData`): its store and, with a shared block store, the partitions it holds.
    let store: any Querier
    let tenants: TenantResolver
    /// This node's barrier, nil outside a cluster (a request with a barrier is then refused).
    let barrier: ReadBarrier?
    /// The longest any read here runs: the server's query timeout.
    let maxTimeout: Duration
    /// Threads of their own: a read asked by another node's query must not wait behind this node's queries, which
    /// may themselves be waiting for that node (two nodes' queries would then wait for each other).
    private let queries: QueryExecutor

    init(store: any Querier, tenants: TenantResolver, barrier: ReadBarrier?, maxTimeout: Duration, maxConcurrent: Int) {
        self.store = store
        self.tenants = tenants
        self.barrier = barrier
        self.maxTimeout = maxTimeout
        queries = QueryExecutor(threads: System.coreCount, maxConcurrent: maxConcurrent)
    }

    func shutdown() async { await queries.shutdown() }

    static let maxBodyBytes = 1 << 20

    func register(on router: Router<BasicRequestContext>) {
        router.post(RouterPath(InternalRead.path)) { request, _ in try await self.read(request) }
    }

    private func read(_ request: Request) async throws -> Response {
        try tenants.authorizeAdmin(request)
        var request = request
        let body = try await request.collectBody(upTo: Self.maxBodyBytes)
        let call: InternalRead
        do {
            call = try JSONDecoder().decode(InternalRead.self, from: Data(body.readableBytesView))
        } catch {
            throw APIError(.badRequest, "not an internal read request: \(error)")
        }
        guard call.request.limit >= 0 else { throw APIError(.badRequest, "the read's limit must not be negative") }
        guard call.request.from <= call.request.to else {
            throw APIError(.badRequest, "the read's range ends before it starts")
        }
        guard call.timeoutMilliseconds > 0 else { throw APIError(.badRequest, "the read's timeout must be positive") }
        guard call.barrier.isEmpty || barrier != nil else {
            throw APIError(.serviceUnavailable, "this node holds no partitions (it is not a storage node of a cluster)")
        }
        let timeout = min(Duration.milliseconds(call.timeoutMilliseconds), maxTimeout)
        let answer = try await queries.run { [store, barrier] cancellation in
            let deadline = ContinuousClock.now + timeout
            let shouldStop = { cancellation.isCancelled || ContinuousClock.now > deadline }
            if let barrier, !call.barrier.isEmpty,
                let problem = barrier.wait(
                    for: call.barrier, until: min(deadline, .now + ReadBarrier.longestWait), shouldStop: shouldStop)
            {
                throw APIError(.serviceUnavailable, problem, retryAfterSeconds: 1)
            }
            let reply = store.reply(call.read, call.request, shouldStop: shouldStop).encoded
            guard reply.count <= InternalRead.maxReplyBytes else {
                throw APIError(.internalServerError,
                    "node's reply of \(reply.count >> 20) MiB exceeds the \(InternalRead.maxReplyBytes >> 20) MiB an internal "
                        + "read may send: narrow the query (a shorter range, fewer series)")
            }
            return reply
        }
        return Response(
            status: .ok, headers: [.contentType: InternalRead.contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer)))
    }
}
