import CFuse3
import Foundation
import UKBridge

/// Extended attributes: what ukstore knows of an entry beyond its value — its type, its numeric id
/// and whether it has a getter and a setter — so `getfattr -d` answers "what is this file?".
/// Read-only: they describe the guest, which the host cannot change.
extension StoreFilesystem {
    static let xattrPrefix = "user.ukstore."

    /// The attributes of a node, in the order listxattr gives them.
    func extendedAttributes(of node: Node) -> [(name: String, value: String)] {
        switch node.kind {
        case .entry(let ref, let type, let access):
            [
                (Self.xattrPrefix + "type", type.description),
                (Self.xattrPrefix + "id", "0x" + String(ref.entry, radix: 16)),
                (Self.xattrPrefix + "access", access.description),
            ]
        case .library(let lib):
            [(Self.xattrPrefix + "id", String(lib))]
        case .object(_, let object):
            [(Self.xattrPrefix + "id", String(object))]
        default:
            []
        }
    }

    func getxattr(_ request: FuseRequest, ino: UInt64, name: [UInt8], size: Int) {
        guard let node = tree.node(ino), node.attached else { return request.error(ENOENT) }
        let wanted = String(decoding: name, as: UTF8.self)
        guard let attribute = extendedAttributes(of: node).first(where: { $0.name == wanted }) else {
            return request.error(ENODATA)
        }
        request.xattr(Array(attribute.value.utf8), size: size)
    }

    func listxattr(_ request: FuseRequest, ino: UInt64, size: Int) {
        guard let node = tree.node(ino), node.attached else { return request.error(ENOENT) }
        let list: [UInt8] = extendedAttributes(of: node).flatMap { Array($0.name.utf8) + [UInt8(0)] }
        request.xattr(list, size: size)
    }
}

extension FuseRequest {
    /// The xattr convention: size 0 asks how big the answer is; too small a buffer is ERANGE.
    func xattr(_ bytes: [UInt8], size: Int) {
        if size == 0 { return xattrSize(bytes.count) }
        guard bytes.count <= size else { return error(ERANGE) }
        self.bytes(bytes[...])
    }

    func xattrSize(_ count: Int) {
        fuse_reply_xattr(raw, count)
    }
}
