import Foundation
import Synchronization
import Testing
import UKBridge
import UKBridgeClient
import UKGuestTree

@Suite("A whole directory, page by page, from one generation")
struct DirectoryListingTests {
    /// A guest that answers each LIST at once, from `answer` (the start index, the how-many-th request).
    final class Guest: Sendable {
        let requests = Mutex<[Int]>([])
        private let answer: @Sendable (_ start: Int, _ request: Int) -> Answer

        init(_ answer: @escaping @Sendable (Int, Int) -> Answer) { self.answer = answer }

        var send: DirectoryListing.Send {
            { [self] request, completion in
                guard case .list(_, let start) = request else { return completion(.failure(.unexpectedAnswer)) }
                let count = requests.withLock { requests -> Int in
                    requests.append(start)
                    return requests.count
                }
                completion(.success(answer(start, count)))
            }
        }

        func list(timeout: Duration = .seconds(2)) -> Result<[ListedChild], BridgeError>? {
            let outcome = Mutex<Result<[ListedChild], BridgeError>?>(nil)
            DirectoryListing.fetchAll(.root, requestTimeout: timeout, send: send) { result in outcome.withLock { $0 = result } }
            return outcome.withLock { $0 }
        }
    }

    private static let children = (0..<5).map { ListedChild(kind: .library, id: UInt64($0), name: Array("lib\($0)".utf8)) }

    /// Pages of two children from `generation`.
    private static func page(_ start: Int, generation: UInt64 = 1) -> Answer {
        .list(
            ListPage(
                generation: generation, total: children.count,
                children: Array(children[min(start, children.count)..<min(start + 2, children.count)])))
    }

    @Test("pages are fetched from where the last one ended until the total is reached")
    func paging() {
        let guest = Guest { start, _ in Self.page(start) }
        #expect(guest.list() == .success(Self.children))
        #expect(guest.requests.withLock { $0 } == [0, 2, 4])
    }

    @Test("a generation that moves between pages starts the listing again")
    func restart() {
        // The second page comes from a newer generation: pages 1–2 are thrown away, then all is from 2.
        let guest = Guest { start, request in Self.page(start, generation: request == 1 ? 1 : 2) }
        #expect(guest.list() == .success(Self.children))
        #expect(guest.requests.withLock { $0 } == [0, 2, 0, 2, 4])
    }

    @Test("a generation that never settles gives up after a few restarts")
    func neverSettles() {
        let guest = Guest { start, request in Self.page(start, generation: UInt64(request)) }
        #expect(guest.list() == .failure(.timedOut))
        #expect(guest.requests.withLock { $0.count } == 2 * 4)
    }

    @Test("a guest's refusal is its errno; an empty page ends the listing however much was promised")
    func refusalAndShortPage() {
        let refusing = Guest { _, _ in .failure(.list, errno: WireErrno.ENOENT) }
        #expect(refusing.list() == .failure(.guest(errno: WireErrno.ENOENT)))
        let short = Guest { _, _ in .list(ListPage(generation: 1, total: 1000, children: [])) }
        #expect(short.list() == .success([]))
    }

    @Test("the whole listing is bounded by four request timeouts, however the guest pages")
    func bound() {
        // A guest that takes 1 ms for each page of one child, of a million: 5 ms requests give the
        // listing 20 ms in all, so it fails after at most 20 pages and not before 20 ms.
        let slow = Guest { start, _ in
            Thread.sleep(forTimeInterval: 0.001)
            return .list(
                ListPage(
                    generation: 1, total: 1_000_000,
                    children: [ListedChild(kind: .library, id: UInt64(start), name: Array("l\(start)".utf8))]))
        }
        let started = ContinuousClock.now
        #expect(slow.list(timeout: .milliseconds(5)) == .failure(.timedOut))
        #expect(ContinuousClock.now - started >= .milliseconds(20))
        #expect(slow.requests.withLock { $0.count } <= 21)
        // A bound already spent sends nothing.
        let guest = Guest { start, _ in Self.page(start) }
        #expect(guest.list(timeout: .zero) == .failure(.timedOut))
        #expect(guest.requests.withLock { $0 }.isEmpty)
    }
}
