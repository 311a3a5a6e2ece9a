/// Hard limits of protocol v1 (docs/protocol.md §7). Everything the guest sends is checked against
/// these before it is believed.
public enum ProtocolLimits {
    public static let version: UInt8 = 1
    /// The largest payload a u16 length can describe.
    public static let maxPayload = 65535
    /// Each side must accept at least this much, so one listed child (name ≤ 255) always fits.
    public static let minPayload = 512
    public static let frameOverhead = 7
    public static let maxNameLength = 255
    public static let maxChildren = 65535
    public static let maxBatch = 1024
    public static let maxString = 4096
    public static let maxVarintBytes = 10
    /// Inter-byte timeout inside a frame, in milliseconds (§2.3 step 4).
    public static let interByteTimeoutMilliseconds = 250
    /// Request id 0 is reserved for events.
    public static let eventRequestID: UInt16 = 0
}
