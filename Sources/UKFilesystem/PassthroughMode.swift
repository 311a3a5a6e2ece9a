/// `-o passthrough=`: whether read-only files may be served by the kernel (FUSE passthrough).
public enum PassthroughMode: String, Sendable, CaseIterable {
    /// Where the kernel offers it and the daemon may register backing files (CAP_SYS_ADMIN).
    case auto
    /// Always the libfuse path: every READ reaches the daemon.
    case off
}
