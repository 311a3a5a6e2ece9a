import Testing

@testable import UKFilesystem

@Suite("Inode slots of a mount --all")
struct InodeSpaceTests {
    @Test("an inode's high bits are its slot, its low 40 bits the instance's own numbering")
    func slotOfInode() {
        #expect(InodeSpace.base(of: 0) == 0)
        #expect(InodeSpace.base(of: 1) == 1 << 40)
        #expect(InodeSpace.slot(of: InodeSpace.base(of: 5) + 123) == 5)
        #expect(InodeSpace.slot(of: InodeSpace.base(of: 5) - 1) == 4)
        #expect(InodeSpace.slot(of: InodeSpace.base(of: InodeSpace.maxSlot) + ((1 << 40) - 1)) == InodeSpace.maxSlot)
        #expect(InodeSpace.slot(of: 1) == InodeSpace.rootSlot)
    }

    @Test("slots are handed out in order from 1; the root's slot 0 never")
    func freshSlots() {
        var slots = SlotAllocator()
        #expect(slots.take() == 1)
        #expect(slots.take() == 2)
        #expect(slots.take() == 3)
    }

    @Test("only a slot never shown to the kernel comes back")
    func unexposedSlotsAreReused() {
        var slots = SlotAllocator()
        let first = slots.take()
        let second = slots.take()
        #expect(first == 1 && second == 2)
        slots.giveBack(unexposed: 1)
        #expect(slots.take() == 1)
        #expect(slots.take() == 3)
    }
}
