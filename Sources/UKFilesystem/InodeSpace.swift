/// How `mount --all` shares one inode space among instances: the high bits of an inode number are
/// the instance's slot, the low 40 bits its own `NodeTable` numbering (which starts at its base).
/// Slot 0 is the mount root's own nodes (the root, `.ukfs/` and its files).
///
/// Why not one table for everyone: each instance keeps the single-mount code unchanged (its own
/// NodeTable, GuestLink, LiveTree, StoreFilesystem, reconnect and invalidation), and the dispatcher only
/// has to look at the inode's high bits to find the owner.
///
/// A slot whose inodes the kernel has seen is never given out again: the kernel may still hold
/// them (dentries, FORGETs in flight, open files), and a reused number would route those to a new
/// instance. A removed instance's slot is simply dead: its requests get ENOENT, its FORGETs are
/// dropped with the table. 2^24 slots at one registration a second last half a year of churn;
/// slots whose connection never succeeded were never shown to the kernel, so they are reused.
enum InodeSpace {
    static let slotShift: UInt64 = 40
    static let maxSlot: UInt32 = (1 << 24) - 1
    /// The mount root's own nodes.
    static let rootSlot: UInt32 = 0

    static func base(of slot: UInt32) -> UInt64 { UInt64(slot) << slotShift }

    static func slot(of ino: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: ino >> slotShift) }
}

/// Hands out instance slots: fresh ones in order, or ones returned unexposed.
struct SlotAllocator: Sendable {
    private var next: UInt32 = 1
    private var unexposed: [UInt32] = []

    mutating func take() -> UInt32? {
        if let slot = unexposed.popLast() { return slot }
        guard next <= InodeSpace.maxSlot else { return nil }
        defer { next += 1 }
        return next
    }

    /// A slot whose instance never reached the kernel (its connection failed): safe to reuse.
    mutating func giveBack(unexposed slot: UInt32) {
        unexposed.append(slot)
    }
}
