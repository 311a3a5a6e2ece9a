import UKBridge
import UKBridgeClient

/// Every page of one guest directory (docs/protocol.md §3.2), shared by the mount and the
/// scripting commands: a directory is only true when all its pages come from one generation.
public enum DirectoryListing {
    public typealias Send = @Sendable (Request, @escaping BridgeConnection.Completion) -> Void

    /// A whole listing, all its pages and restarts, is bounded by this many request timeouts, so a
    /// guest that pages one child at a time cannot hold a reader for 65,535 round trips.
    public static let requestTimeoutsPerListing = 4
    /// Listings begun again because the generation moved between pages, before giving up.
    static let restarts = 3

    /// Pages through `scope`, each page a request `send` bounds by `requestTimeout`; restarts (a
    /// few times) if the generation moves between pages.
    public static func fetchAll(
        _ scope: ListScope, requestTimeout: Duration, send: @escaping Send,
        done: @escaping @Sendable (Result<[ListedChild], BridgeError>) -> Void
    ) {
        fetchAll(
            scope, restarts: restarts, deadline: .now + requestTimeout * requestTimeoutsPerListing,
            send: send, done: done)
    }

    private static func fetchAll(
        _ scope: ListScope, restarts: Int, deadline: ContinuousClock.Instant,
        send: @escaping Send,
        done: @escaping @Sendable (Result<[ListedChild], BridgeError>) -> Void
    ) {
        @Sendable func page(start: Int, generation: UInt64?, collected: [ListedChild]) {
            guard ContinuousClock.now < deadline else { return done(.failure(.timedOut)) }
            send(.list(scope, start: start)) { result in
                switch result.expecting({ if case .list(let listed) = $0 { listed } else { nil } }) {
                case .success(let listed):
                    if let generation, generation != listed.generation {
                        return restarts > 0
                            ? fetchAll(scope, restarts: restarts - 1, deadline: deadline, send: send, done: done)
                            : done(.failure(.timedOut))
                    }
                    let all = collected + listed.children
                    if all.count >= listed.total || listed.children.isEmpty {
                        return done(.success(all))
                    }
                    page(start: all.count, generation: listed.generation, collected: all)
                case .failure(let error):
                    done(.failure(error))
                }
            }
        }
        page(start: 0, generation: nil, collected: [])
    }

    /// The same, awaited, on one connection.
    public static func fetchAll(
        _ scope: ListScope, on connection: BridgeConnection,
        timeout: Duration
    ) async -> Result<[ListedChild], BridgeError> {
        await withCheckedContinuation { continuation in
            fetchAll(
                scope, requestTimeout: timeout,
                send: { request, completion in
                    connection.send(request, timeout: timeout, completion: completion)
                }, done: { continuation.resume(returning: $0) })
        }
    }
}
