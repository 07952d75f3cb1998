import NIOCore

/// A task executor that runs every job on one NIO event loop. A task that prefers it (through
/// `withTaskExecutorPreference`) reads its socket, computes and writes its answer on the thread that owns the
/// connection, instead of hopping to Swift's pool and back for each step.
final class EventLoopExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
