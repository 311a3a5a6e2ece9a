import Foundation
import Logging
import NIOPosix
import Synchronization
import UKBridge
import UKBridgeClient

/// The bridge alone: gets per second from `BridgeConnection` to a guest, without FUSE.
enum BridgeThroughput {
    struct Figures: Sendable, Codable {
        let oneAtATime: Double
        let pipelined: Double
        let batched: Double
        let depth: Int
        let batch: Int
    }

    /// libukalloc's static entries, a ref every guest of docs/simulated-store.md answers.
    static let refs = (1...11).map { EntryRef.staticEntry(lib: 0, entry: UInt64($0)) }

    static func run(socket: String, gets: Int, depth: Int = 32, batch: Int = 100) async throws -> Figures {
        let connection = try await Guest.connect(socket: socket, purpose: "bridge")
        defer { connection.close() }
        let single = try await oneAtATime(connection, gets: gets)
        let piped = try await pipelined(connection, gets: gets, depth: depth)
        let batched = try await batched(connection, gets: gets * 5, batch: batch)
        return Figures(oneAtATime: single, pipelined: piped, batched: batched, depth: depth, batch: batch)
    }

    private static func oneAtATime(_ connection: BridgeConnection, gets: Int) async throws -> Double {
        let started = Clock.seconds()
        for index in 0..<gets {
            try check(await connection.send(.get([refs[index % refs.count]]), timeout: .seconds(5)), expecting: 1)
        }
        return Double(gets) / (Clock.seconds() - started)
    }

    /// Keeps `depth` requests in flight: each answer sends the next.
    private static func pipelined(_ connection: BridgeConnection, gets: Int, depth: Int) async throws -> Double {
        let started = Clock.seconds()
        let failure: BenchError? = await withCheckedContinuation { continuation in
            let progress = Mutex((sent: 0, answered: 0, failed: false))
            @Sendable func sendNext() {
                let index: Int? = progress.withLock { state in
                    guard state.sent < gets, !state.failed else { return nil }
                    state.sent += 1
                    return state.sent
                }
                guard let index else { return }
                connection.send(.get([refs[index % refs.count]]), timeout: .seconds(5)) { result in
                    let ok = (try? check(result, expecting: 1)) != nil
                    let (finished, firstFailure) = progress.withLock { state -> (Bool, Bool) in
                        state.answered += 1
                        let first = !ok && !state.failed
                        if !ok { state.failed = true }
                        return (state.answered == gets || first, first)
                    }
                    if finished {
                        continuation.resume(returning: firstFailure ? BenchError("bridge: a pipelined get failed") : nil)
                    } else {
                        sendNext()
                    }
                }
            }
            for _ in 0..<min(depth, gets) { sendNext() }
        }
        if let failure { throw failure }
        return Double(gets) / (Clock.seconds() - started)
    }

    private static func batched(_ connection: BridgeConnection, gets: Int, batch: Int) async throws -> Double {
        let request = Request.get((0..<batch).map { refs[$0 % refs.count] })
        let requests = max(1, gets / batch)
        let started = Clock.seconds()
        for _ in 0..<requests {
            try check(await connection.send(request, timeout: .seconds(5)), expecting: batch)
        }
        return Double(requests * batch) / (Clock.seconds() - started)
    }

    private static func check(_ result: Swift.Result<Answer, BridgeError>, expecting count: Int) throws {
        guard case .success(.get(let values)) = result, values.count == count else {
            throw BenchError("bridge: a get was not answered with \(count) value(s): \(result)")
        }
    }
}
