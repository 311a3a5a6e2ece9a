import CFuse3
import Foundation

/// The libfuse low-level operation table. C cannot call capturing closures, so each entry finds
/// the filesystem through the session's userdata, and per-open state through `fi->fh`.
enum FuseOperations {
    static func filesystem(_ request: fuse_req_t) -> any FuseRequestHandler {
        // The userdata is the handler box the mount passed, retained for the session's life: one
        // StoreFilesystem, or the `--all` dispatcher. libfuse returns what fuse_session_new was
        // given, which is never nil, so nothing a request carries can make this unwrap fail.
        // swift-format-ignore: NeverForceUnwrap
        Unmanaged<FuseHandlerBox>.fromOpaque(UnsafeRawPointer(fuse_req_userdata(request)!)).takeUnretainedValue().handler
    }

    static func name(_ pointer: UnsafePointer<CChar>?) -> [UInt8] {
        guard let pointer else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
    }

    static func openFile(_ info: UnsafeMutablePointer<fuse_file_info>?) -> OpenFile? {
        guard let fh = info?.pointee.fh, fh != 0, let raw = UnsafeRawPointer(bitPattern: UInt(fh)) else { return nil }
        return Unmanaged<OpenFile>.fromOpaque(raw).takeUnretainedValue()
    }

    static func openDirectory(_ info: UnsafeMutablePointer<fuse_file_info>?) -> OpenDirectory? {
        guard let fh = info?.pointee.fh, fh != 0, let raw = UnsafeRawPointer(bitPattern: UInt(fh)) else { return nil }
        return Unmanaged<OpenDirectory>.fromOpaque(raw).takeUnretainedValue()
    }

    /// EROFS on a read-only mount, else EACCES: the answer to any change of the tree's shape.
    static func refuseChange(_ request: fuse_req_t?) {
        guard let request else { return }
        fuse_reply_err(request, filesystem(request).readOnly ? EROFS : EACCES)
    }

    /// Frees the per-open object an open or opendir put in `fi->fh`.
    static func releaseHandle<Handle: AnyObject>(_ info: UnsafeMutablePointer<fuse_file_info>?, as type: Handle.Type) {
        if let fh = info?.pointee.fh, fh != 0, let raw = UnsafeRawPointer(bitPattern: UInt(fh)) {
            Unmanaged<Handle>.fromOpaque(raw).release()
        }
    }

    static func make() -> fuse_lowlevel_ops {
        var ops = fuse_lowlevel_ops()
        ops.lookup = { request, parent, name in
            guard let request else { return }
            FuseOperations.filesystem(request).lookup(FuseRequest(raw: request), parent: parent, name: FuseOperations.name(name))
        }
        ops.forget = { request, ino, count in
            guard let request else { return }
            FuseOperations.filesystem(request).forget(ino, count: count)
            fuse_reply_none(request)
        }
        ops.forget_multi = { request, count, forgets in
            guard let request else { return }
            let fs = FuseOperations.filesystem(request)
            for index in 0..<count {
                if let item = forgets?[index] { fs.forget(item.ino, count: item.nlookup) }
            }
            fuse_reply_none(request)
        }
        ops.getattr = { request, ino, _ in
            guard let request else { return }
            FuseOperations.filesystem(request).getattr(FuseRequest(raw: request), ino: ino)
        }
        ops.setattr = { request, ino, attributes, toSet, _ in
            guard let request else { return }
            FuseOperations.filesystem(request).setattr(
                FuseRequest(raw: request), ino: ino, toSet: toSet,
                size: attributes?.pointee.st_size ?? 0)
        }
        ops.readlink = { request, ino in
            guard let request else { return }
            FuseOperations.filesystem(request).readlink(FuseRequest(raw: request), ino: ino)
        }
        ops.opendir = { request, ino, info in
            guard let request, let info else { return }
            FuseOperations.filesystem(request).opendir(FuseRequest(raw: request), ino: ino, info: info.pointee)
        }
        ops.readdir = { request, _, size, offset, info in
            guard let request else { return }
            guard let handle = FuseOperations.openDirectory(info) else { fuse_reply_err(request, EBADF); return }
            StoreFilesystem.readdir(FuseRequest(raw: request), size: size, offset: Int(offset), handle: handle)
        }
        ops.releasedir = { request, _, info in
            guard let request else { return }
            FuseOperations.releaseHandle(info, as: OpenDirectory.self)
            fuse_reply_err(request, 0)
        }
        ops.open = { request, ino, info in
            guard let request, let info else { return }
            FuseOperations.filesystem(request).open(FuseRequest(raw: request), ino: ino, info: info.pointee)
        }
        ops.read = { request, _, size, offset, info in
            guard let request else { return }
            guard let file = FuseOperations.openFile(info) else { fuse_reply_err(request, EBADF); return }
            // From the snapshot alone, even after its instance left a `--all` mount.
            file.snapshot.read(FuseRequest(raw: request), size: size, offset: Int(offset))
        }
        ops.write = { request, _, bytes, size, offset, info in
            guard let request else { return }
            guard let file = FuseOperations.openFile(info), let bytes else { fuse_reply_err(request, EBADF); return }
            FuseOperations.filesystem(request).write(
                FuseRequest(raw: request), bytes: UnsafeRawBufferPointer(start: bytes, count: size),
                offset: Int(offset), file: file)
        }
        ops.flush = { request, _, info in
            guard let request else { return }
            guard let file = FuseOperations.openFile(info) else { fuse_reply_err(request, 0); return }
            FuseOperations.filesystem(request).flush(FuseRequest(raw: request), file: file)
        }
        ops.release = { request, _, info in
            guard let request else { return }
            if let file = FuseOperations.openFile(info) { file.passthrough?.release(file.node.ino) }
            FuseOperations.releaseHandle(info, as: OpenFile.self)
            fuse_reply_err(request, 0)
        }
        ops.getxattr = { request, ino, name, size in
            guard let request else { return }
            FuseOperations.filesystem(request).getxattr(FuseRequest(raw: request), ino: ino, name: FuseOperations.name(name), size: size)
        }
        ops.listxattr = { request, ino, size in
            guard let request else { return }
            FuseOperations.filesystem(request).listxattr(FuseRequest(raw: request), ino: ino, size: size)
        }
        // The tree is the guest's: nothing can be created, removed or renamed from the host.
        ops.create = { request, _, _, _, _ in FuseOperations.refuseChange(request) }
        ops.mknod = { request, _, _, _, _ in FuseOperations.refuseChange(request) }
        ops.mkdir = { request, _, _, _ in FuseOperations.refuseChange(request) }
        ops.unlink = { request, _, _ in FuseOperations.refuseChange(request) }
        ops.rmdir = { request, _, _ in FuseOperations.refuseChange(request) }
        ops.rename = { request, _, _, _, _, _ in FuseOperations.refuseChange(request) }
        ops.symlink = { request, _, _, _ in FuseOperations.refuseChange(request) }
        return ops
    }
}
