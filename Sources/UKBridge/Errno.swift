/// The errno numbers the protocol carries (docs/protocol.md §6). Linux values, fixed on the wire
/// whatever the host's own numbering.
public enum WireErrno {
    public static let EPERM: Int32 = 1
    public static let ENOENT: Int32 = 2
    public static let EIO: Int32 = 5
    public static let EACCES: Int32 = 13
    public static let EINVAL: Int32 = 22
    public static let ERANGE: Int32 = 34
    public static let ENOSYS: Int32 = 38
    public static let EPROTO: Int32 = 71
    public static let EOVERFLOW: Int32 = 75
    /// A share answers a HELLO with it when it serves as many clients as it may (§10).
    public static let EUSERS: Int32 = 87
    public static let EPROTONOSUPPORT: Int32 = 93
}
