// libFuzzer harness over the host side of the bridge: the frame receiver, the message decoder and
// the client's routing of answers and events (the real NIO pipeline, on an EmbeddedChannel), and the
// gate that turns guest listings into tree nodes. Built only with UKFS_FUZZ=1 (see scripts/fuzz-host).
import Logging
import NIOCore
import NIOEmbedded
import UKBridge
import UKGuestTree

@testable import UKBridgeClient
@testable import UKFilesystem

private let quiet = Logger(label: "fuzz") { _ in SwiftLogNoOpLogHandler() }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let tree = NodeTable(metaFiles: MetaFile.allCases)
    let pending = PendingRequests()
    let channel = EmbeddedChannel()
    let router = AnswerRouter(pending: pending, logger: quiet, onEvent: { _ in }, onClose: {})
    guard (try? channel.pipeline.syncOperations.addHandlers([FrameChannelHandler(maxPayload: 65535), router])) != nil else {
        return 0
    }
    // Requests in flight, as a mount has them; LIST answers go through the listing gate into the tree.
    for _ in 0..<8 {
        _ = pending.register(timeout: .seconds(60)) { result in
            guard case .success(.list(let page)) = result, let root = tree.node(NodeTable.rootID) else { return }
            let children = NodeChildren.children(from: page.children, in: root) { _, _ in }
            for child in children {
                precondition(NameRules.check(child.name) == nil, "a refused name passed the gate")
            }
            _ = tree.replaceChildren(of: NodeTable.rootID, with: children)
        }
    }
    // Chunk sizes vary with the input so that split headers and frames are exercised too.
    var offset = 0
    var step = 1 + (size % 17)
    while offset < bytes.count {
        let end = min(bytes.count, offset + step)
        var buffer = channel.allocator.buffer(capacity: end - offset)
        buffer.writeBytes(bytes[offset..<end])
        _ = try? channel.writeInbound(buffer)
        offset = end
        step = step % 61 + 7
    }
    channel.embeddedEventLoop.advanceTime(by: .seconds(1))
    for node in tree.listing(of: NodeTable.rootID) ?? [] {
        precondition(!node.name.contains(0x2F) && !node.name.contains(0), "a bad name reached the tree")
    }
    _ = try? channel.finish()
    return 0
}
