import CFuse3
import CFuseKernel
import Foundation
import Logging
import NIOCore
import Synchronization

/// Read-only files whose reads the kernel serves itself. OPEN takes the value (the guest's GET, or
/// a `.ukfs` file's text), puts it in a memory file registered with the FUSE connection, and hands
/// the kernel that file in its reply: the open's READs, and the READ at end of file, never reach
/// the daemon. RELEASE gives the file back.
///
/// The kernel allows one backing file per inode while any passthrough open of it lives, and then
/// only passthrough opens of that same file. So each inode keeps one memory file, rewritten only
/// when no open of it lives; an open whose value equals the live one shares it; an open whose value
/// differs waits for the live opens to close — at most `waitBound`, after which the file is
/// rewritten in place (an open older than that sees the newer value if it reads again from the
/// start, as a procfs reader that rewinds does). Entries with a setter never come here: a write
/// open could not coexist with a passthrough read (docs/architecture.md, "Passthrough").
final class PassthroughFiles: Sendable {
    /// How long an open whose value differs from the live one waits for the live opens to close.
    static let waitBound = TimeAmount.milliseconds(10)
    /// Backing files kept (one descriptor each) beyond those opens use: an unchanged value costs
    /// no write, a new inode reuses the least recently used one.
    static let idleBackings = 32

    private struct Backing {
        let file: Int32
        let id: Int32
        var text: [UInt8]
        var live = 0
        var waiting: [PendingOpen] = []
        /// Counts the batches of waiting opens served, so a bound's timer serves only its own.
        var batch: UInt64 = 0
        var lastUse: UInt64 = 0
    }

    private struct State {
        var fuseDevice: Int32 = -1
        var hooksInstalled = false
        var disabled: String?
        var backings: [UInt64: Backing] = [:]
        /// Inodes whose value is being read, with the opens that came meanwhile: they wait for the
        /// next read, sent after they came, and share it.
        var fetching: [UInt64: [Opener]] = [:]
        var clock: UInt64 = 0
    }

    private let mode: PassthroughMode
    private let loop: EventLoop
    private let interrupts: InterruptibleRequests
    private let logger: Logger
    private let state = Mutex(State())

    init(mode: PassthroughMode, loop: EventLoop, interrupts: InterruptibleRequests, logger: Logger) {
        self.mode = mode
        self.loop = loop
        self.interrupts = interrupts
        self.logger = logger
    }

    /// Installs the hooks that ask the kernel for passthrough at INIT, if this mount may use it.
    /// Called once the session is mounted, before its loop starts.
    func start(session: OpaquePointer) {
        guard mode == .auto, Self.mayRegisterBackingFiles else { return }
        let result = ukfs_passthrough_install(session)
        state.withLock { state in
            state.fuseDevice = fuse_session_fd(session)
            state.hooksInstalled = result == 0
            if result != 0 { state.disabled = "libfuse refused custom I/O (\(-result))" }
        }
    }

    /// Whether opens are served by passthrough now.
    var isOn: Bool {
        state.withLock { $0.hooksInstalled && $0.disabled == nil } && ukfs_passthrough_negotiation() == Int32(UKFS_PASSTHROUGH_ON.rawValue)
    }

    /// Which path reads take and why, as `.ukfs/io` and the mount's log say it.
    var pathDescription: String {
        if mode == .off { return "libfuse (-o passthrough=off)" }
        if !Self.mayRegisterBackingFiles { return "libfuse (not root: passthrough needs CAP_SYS_ADMIN)" }
        let (installed, disabled) = state.withLock { ($0.hooksInstalled, $0.disabled) }
        if let disabled { return "libfuse (\(disabled))" }
        guard installed else { return "libfuse" }
        switch ukfs_passthrough_negotiation() {
        case Int32(UKFS_PASSTHROUGH_ON.rawValue): return "passthrough"
        case Int32(UKFS_PASSTHROUGH_NOT_OFFERED.rawValue): return "libfuse (the kernel does not offer FUSE passthrough)"
        default: return "libfuse (not negotiated yet)"
        }
    }

    /// CAP_SYS_ADMIN, which FUSE_DEV_IOC_BACKING_OPEN demands, in the effective set.
    static let mayRegisterBackingFiles: Bool = {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let mask = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << 21) != 0
    }()

    // MARK: opens

    /// Reads the value for `opener` and answers it by passthrough when it can, else the libfuse
    /// way (its reads then reach the daemon, as with `-o passthrough=off`). Opens of an inode that
    /// come while its value is being read wait for one more read, which they share — as the
    /// share merges GETs (docs/protocol.md §10): every open still gets a value read after it came,
    /// and concurrent readers of one entry get one value, so they share one backing file.
    func open(_ opener: Opener, fetch: @escaping Fetch) {
        let ino = opener.node.ino
        let first = state.withLock { state -> Bool in
            if state.fetching[ino] != nil {
                state.fetching[ino, default: []].append(opener)
                return false
            }
            state.fetching[ino] = []
            return true
        }
        if first { read([opener], of: ino, fetch: fetch) }
    }

    private func read(_ group: [Opener], of ino: UInt64, fetch: @escaping Fetch) {
        fetch { [self] value in
            for opener in group {
                for decision in decide(PendingOpen(opener: opener, value: value)) { perform(decision) }
            }
            let next = state.withLock { state -> [Opener] in
                let queued = state.fetching[ino] ?? []
                state.fetching[ino] = queued.isEmpty ? nil : []
                return queued
            }
            if !next.isEmpty { read(next, of: ino, fetch: fetch) }
        }
    }

    private enum Decision {
        /// Hand these opens the inode's backing file (already counted as live).
        case grant(ino: UInt64, id: Int32, [PendingOpen])
        /// Answer the libfuse way (no backing file lives on the inode).
        case fallback(PendingOpen)
        /// Fail the open itself with its errno: another open holds the inode's backing file, so a
        /// libfuse-way open (whose READ would fail) is not allowed.
        case fail(PendingOpen, Int32)
    }

    private func decide(_ open: PendingOpen) -> [Decision] {
        let ino = open.node.ino
        return state.withLock { state -> [Decision] in
            state.clock += 1
            guard var backing = state.backings[ino] else {
                guard let text = open.value.text, var created = takeBacking(text, &state) else { return [.fallback(open)] }
                created.live = 1
                created.lastUse = state.clock
                state.backings[ino] = created
                return [.grant(ino: ino, id: created.id, [open])]
            }
            backing.lastUse = state.clock
            defer { state.backings[ino] = backing }
            if backing.live == 0 && backing.waiting.isEmpty {
                guard let text = open.value.text else { return [.fallback(open)] }
                if text != backing.text, !rewrite(&backing, with: text) { return [.fallback(open)] }
                backing.live = 1
                return [.grant(ino: ino, id: backing.id, [open])]
            }
            if backing.waiting.isEmpty, let text = open.value.text, text == backing.text {
                backing.live += 1
                return [.grant(ino: ino, id: backing.id, [open])]
            }
            backing.waiting.append(open)
            if backing.waiting.count == 1 {
                let batch = backing.batch
                loop.scheduleTask(in: Self.waitBound) { [self] in settleOverdue(ino, batch: batch) }
            }
            return []
        }
    }

    /// RELEASE of a passthrough open of `ino`.
    func release(_ ino: UInt64) {
        let decisions = state.withLock { state -> [Decision] in
            guard var backing = state.backings[ino] else { return [] }
            backing.live = max(backing.live - 1, 0)
            defer { state.backings[ino] = backing }
            guard backing.live == 0, !backing.waiting.isEmpty else { return [] }
            return settle(ino, &backing)
        }
        for decision in decisions { perform(decision) }
    }

    /// The live opens outlasted `waitBound`: the waiting ones are served now.
    private func settleOverdue(_ ino: UInt64, batch: UInt64) {
        let decisions = state.withLock { state -> [Decision] in
            guard var backing = state.backings[ino], backing.batch == batch, !backing.waiting.isEmpty else { return [] }
            logger.debug(
                "opens of inode \(ino) waited \(Self.waitBound) for the live ones to close: the value file is rewritten under them")
            defer { state.backings[ino] = backing }
            return settle(ino, &backing)
        }
        for decision in decisions { perform(decision) }
    }

    /// Serves every waiting open: all get the newest value any of them read (each was read after
    /// its open began). A failed read falls back to the libfuse way only if no open will live.
    private func settle(_ ino: UInt64, _ backing: inout Backing) -> [Decision] {
        let waiting = backing.waiting
        backing.waiting = []
        backing.batch += 1
        var decisions: [Decision] = []
        let reads = waiting.filter { $0.value.text != nil }
        if let newest = reads.last?.value.text, newest != backing.text, !rewrite(&backing, with: newest) {
            logger.warning("a passthrough value file could not be rewritten; its opens see the previous value")
        }
        if !reads.isEmpty {
            backing.live += reads.count
            decisions.append(.grant(ino: ino, id: backing.id, reads))
        }
        for open in waiting {
            guard case .failed(let errno) = open.value else { continue }
            decisions.append(backing.live == 0 ? .fallback(open) : .fail(open, errno))
        }
        return decisions
    }

    private func perform(_ decision: Decision) {
        switch decision {
        case .grant(let ino, let id, let opens):
            for open in opens {
                guard let request = interrupts.claim(open.ticket) else {
                    release(ino)
                    continue
                }
                let file = OpenFile(node: open.node, snapshot: ValueSnapshot([]), writable: false, passthrough: self)
                if !request.openPassthrough(file, backing: id, open.info) { release(ino) }
            }
        case .fallback(let open):
            interrupts.claim(open.ticket)?.open(OpenFile(node: open.node, snapshot: ValueSnapshot(open.value), writable: false), open.info)
        case .fail(let open, let errno):
            interrupts.claim(open.ticket)?.error(errno)
        }
    }

    // MARK: backing files

    /// A memory file holding `text`, registered with the connection; nil (and passthrough off for
    /// this mount, with the reason) when the kernel refuses.
    private func makeBacking(_ text: [UInt8], _ state: inout State) -> Backing? {
        guard state.disabled == nil else { return nil }
        let file = ukfs_memory_file()
        guard file >= 0 else { return nil }
        guard Self.write(text, to: file) else {
            close(file)
            return nil
        }
        let id = ukfs_backing_open(state.fuseDevice, file)
        guard id >= 0 else {
            close(file)
            state.disabled = "the kernel refused a backing file: \(String(cString: strerror(-id)))"
            logger.warning("passthrough is off for this mount: \(state.disabled ?? "")")
            return nil
        }
        return Backing(file: file, id: id, text: text)
    }

    private func rewrite(_ backing: inout Backing, with text: [UInt8]) -> Bool {
        guard Self.write(text, to: backing.file, replacing: backing.text.count) else { return false }
        backing.text = text
        return true
    }

    /// Writes `text` over the file's `previous` bytes; a counter keeps its length most of the
    /// time, and then the truncation, a system call on every open, is not needed.
    private static func write(_ text: [UInt8], to file: Int32, replacing previous: Int = -1) -> Bool {
        let written = text.withUnsafeBytes { pwrite(file, $0.baseAddress, $0.count, 0) }
        return written == text.count && (previous == text.count || ftruncate(file, off_t(text.count)) == 0)
    }

    /// A backing file for an inode that has none: once `idleBackings` exist, the least recently
    /// used idle one is taken from its inode and rewritten — the kernel ties a backing file to an
    /// inode only while passthrough opens of it live, so a walk over thousands of entries costs a
    /// write each, not a new file and its registration.
    private func takeBacking(_ text: [UInt8], _ state: inout State) -> Backing? {
        if state.backings.count >= Self.idleBackings,
            let (victim, idle) = state.backings.filter({ $0.value.live == 0 && $0.value.waiting.isEmpty })
                .min(by: { $0.value.lastUse < $1.value.lastUse })
        {
            state.backings[victim] = nil
            var backing = Backing(file: idle.file, id: idle.id, text: idle.text)
            if rewrite(&backing, with: text) { return backing }
            _ = ukfs_backing_close(state.fuseDevice, idle.id)
            close(idle.file)
        }
        return makeBacking(text, &state)
    }
}
