import NIOCore
import UKBridge

/// The guest's line as the share's clients use it: every client request goes through here, on the
/// line's event loop. GETs that arrive while one is on the line wait and then go as one batched
/// GET (up to the guest's max_batch; an entry asked for by several at once is asked once); a LIST
/// of a page already on the line waits for that page's answer; everything else passes straight on.
/// So a waiting client waits at most for the GET on the line and its own batch: two round trips.
final class ShareLine {
    typealias Done = @Sendable (Result<Answer, BridgeError>) -> Void

    let connection: BridgeConnection
    let timeout: Duration
    let counters: ShareCounters
    /// Off (UKFS_SHARE_MERGE=0) only to measure what merging saves.
    let merging: Bool
    private let eventLoop: EventLoop

    private struct WaitingGet {
        let refs: [EntryRef]
        let done: Done
    }

    private var getsOnLine = 0
    private var flushQueued = false
    private var waitingGets = CircularBuffer<WaitingGet>()
    private struct ListKey: Hashable {
        let scope: ListScope
        let start: Int
    }

    private var listsOnLine: [ListKey: [Done]] = [:]
    private(set) var clients: [ObjectIdentifier: ShareClientHandler] = [:]
    /// Connections over the client limit, each told so once it asks, then closed.
    private var refused: [ObjectIdentifier: ShareClientHandler] = [:]
    static let maxRefused = 16
    /// Processes whose client was dropped for abuse (damage, a flood), refused until then: one
    /// that reconnects at once must not make the line's event loop read its garbage again.
    private var banned: [Int32: NIODeadline] = [:]
    static let banTime = TimeAmount.seconds(2)

    init(connection: BridgeConnection, timeout: Duration, counters: ShareCounters, merging: Bool, eventLoop: EventLoop) {
        self.connection = connection
        self.timeout = timeout
        self.counters = counters
        self.merging = merging
        self.eventLoop = eventLoop
    }

    private var bound: NIOLoopBound<ShareLine> { NIOLoopBound(self, eventLoop: eventLoop) }

    // MARK: clients

    func isBanned(_ pid: Int32) -> Bool {
        guard let until = banned[pid] else { return false }
        if until > .now() { return true }
        banned.removeValue(forKey: pid)
        return false
    }

    func ban(_ pid: Int32) {
        if banned.count >= 1024 { banned = banned.filter { $0.value > .now() } }
        if banned.count < 1024 { banned[pid] = .now() + Self.banTime }
    }

    func add(_ client: ShareClientHandler) -> Bool {
        guard clients.count < LineShare.maxClients else { return false }
        clients[ObjectIdentifier(client)] = client
        return true
    }

    /// Keeps a connection over the limit long enough to tell it so; false when too many are.
    func addRefused(_ client: ShareClientHandler) -> Bool {
        guard refused.count < Self.maxRefused else { return false }
        refused[ObjectIdentifier(client)] = client
        return true
    }

    func removeRefused(_ client: ShareClientHandler) {
        refused.removeValue(forKey: ObjectIdentifier(client))
    }

    /// Closes the clients that never completed a handshake in time or fell silent (every second).
    func sweep() {
        let now = NIODeadline.now()
        for client in clients.values { _ = client.closeIfStale(now: now) }
        for client in refused.values { _ = client.closeIfStale(now: now) }
    }

    func remove(_ client: ShareClientHandler) {
        clients.removeValue(forKey: ObjectIdentifier(client))
        countClients()
    }

    /// Clients are those that completed a HELLO: a STATUS asker is not one.
    func countClients() {
        counters.clients.store(clients.values.count { $0.greeted }, ordering: .relaxed)
    }

    func publish(_ event: ObjectEvent) {
        for client in clients.values { client.deliver(event) }
    }

    func closeAll() {
        for client in clients.values { client.close() }
        for client in refused.values { client.close() }
    }

    // MARK: requests

    func send(_ request: Request, done: @escaping Done) {
        counters.clientRequests.add(1, ordering: .relaxed)
        switch request {
        case .get(let refs):
            counters.clientGets.add(1, ordering: .relaxed)
            guard merging else { return pass(request, done: done) }
            waitingGets.append(WaitingGet(refs: refs, done: done))
            if getsOnLine == 0 && !flushQueued {
                // Sent once the loop has read every client that is ready now, not at once: the
                // clients a batch just answered ask again at about the same moment, and this
                // puts them in one GET instead of one alone and the rest in the next.
                flushQueued = true
                let line = bound
                eventLoop.execute {
                    line.value.flushQueued = false
                    if line.value.getsOnLine == 0 { line.value.sendWaitingGets() }
                }
            }
        case .list(let scope, let start):
            guard merging else { return pass(request, done: done) }
            let key = ListKey(scope: scope, start: start)
            if listsOnLine[key] != nil {
                listsOnLine[key]?.append(done)
                return
            }
            listsOnLine[key] = [done]
            let line = bound
            pass(request) { result in
                let waiting = line.value.listsOnLine.removeValue(forKey: key) ?? []
                for done in waiting { done(result) }
            }
        case .set:
            // A client's GET asked before its SET must not read the value the SET makes.
            while !waitingGets.isEmpty { sendWaitingGets() }
            pass(request, done: done)
        case .hello, .watch, .ping:
            pass(request, done: done)
        }
    }

    /// A request asked by the share itself (HELLO's generation), not counted as a client's.
    func ask(_ request: Request, done: @escaping Done) {
        pass(request, done: done)
    }

    private func pass(_ request: Request, done: @escaping Done) {
        counters.lineRequests.add(1, ordering: .relaxed)
        if case .get = request { counters.lineGets.add(1, ordering: .relaxed) }
        connection.send(request, timeout: timeout, completion: done)
    }

    /// One GET for as many waiting GETs, in arrival order, as fit the guest's batch and payload.
    private func sendWaitingGets() {
        var batch: [WaitingGet] = []
        var refs: [EntryRef] = []
        var position: [EntryRef: Int] = [:]
        var size = 6   // type, rid, count
        while let next = waitingGets.first {
            let fresh = Set(next.refs).subtracting(position.keys)
            let added = fresh.reduce(0) { $0 + $1.encodedSize }
            if !batch.isEmpty && (refs.count + fresh.count > connection.maxBatch || size + added > connection.hello.maxPayload) { break }
            waitingGets.removeFirst()
            batch.append(next)
            for ref in next.refs where position[ref] == nil {
                position[ref] = refs.count
                refs.append(ref)
            }
            size += added
        }
        guard !batch.isEmpty else { return }
        getsOnLine += 1
        let line = bound
        let merged = batch.count > 1 || refs.count < batch[0].refs.count
        let (sent, asked, at) = (batch, refs, position)
        pass(.get(refs)) { result in
            line.value.answer(sent, refs: asked, position: at, merged: merged, result: result)
        }
    }

    private func answer(
        _ batch: [WaitingGet], refs: [EntryRef], position: [EntryRef: Int], merged: Bool,
        result: Result<Answer, BridgeError>
    ) {
        getsOnLine -= 1
        for waiting in batch {
            guard merged else {
                waiting.done(result)
                continue
            }
            switch result {
            case .success(.get(let results)) where results.count == refs.count:
                let mine = waiting.refs.map { ref in position[ref].map { results[$0] } ?? EntryResult.error(WireErrno.EIO) }
                // Too big for the merged answer, or the whole merged GET refused: as asked alone,
                // this client would have had an answer of its own.
                if mine.contains(EntryResult.error(WireErrno.EOVERFLOW)) {
                    pass(.get(waiting.refs), done: waiting.done)
                } else {
                    waiting.done(.success(.get(mine)))
                }
            case .success:
                pass(.get(waiting.refs), done: waiting.done)
            case .failure:
                waiting.done(result)
            }
        }
        if getsOnLine == 0 && !waitingGets.isEmpty { sendWaitingGets() }
    }
}
