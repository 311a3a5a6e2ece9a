import Foundation
import Testing

@testable import UKFilesystem

@Suite("One value per open for writing")
struct PendingWriteTests {
    private func write(_ pending: PendingWrite, _ text: String, at offset: Int, limit: Int = 256) -> PendingWrite.Step {
        Array(text.utf8).withUnsafeBytes { pending.write($0, offset: offset, limit: limit) }
    }

    private func text(_ value: String) -> [UInt8] { Array(value.utf8) }

    @Test("the text is collected until a line is complete, then set once, whole")
    func lineCompletes() {
        let pending = PendingWrite()
        #expect(write(pending, "3", at: 0) == .collect)
        #expect(write(pending, "00", at: 1) == .collect)
        #expect(write(pending, "\n", at: 3) == .apply(text("300\n")))
        #expect(pending.flush() == .none)
    }

    @Test("text without a newline is set at close; a close before any byte sets nothing")
    func setAtClose() {
        let unfinished = PendingWrite()
        #expect(unfinished.flush() == .none)
        #expect(write(unfinished, "7", at: 0) == .collect)
        #expect(unfinished.flush() == .apply(text("7")))
        #expect(unfinished.flush() == .none)
    }

    @Test("a second line has no setter call to go to: EINVAL")
    func secondLine() {
        let pending = PendingWrite()
        #expect(write(pending, "1\n", at: 0) == .apply(text("1\n")))
        #expect(write(pending, "2\n", at: 2) == .refuse(EINVAL))
    }

    @Test("two lines in one write(), with or without the last newline: EINVAL, nothing set")
    func secondLineInOneWrite() {
        let together = PendingWrite()
        #expect(write(together, "x\ny\n", at: 0) == .refuse(EINVAL))
        #expect(together.flush() == .none)
        let unterminated = PendingWrite()
        #expect(write(unterminated, "x\ny", at: 0) == .refuse(EINVAL))
        #expect(unterminated.flush() == .none)
        let gap = PendingWrite()
        #expect(write(gap, "\ny", at: 1) == .refuse(EINVAL))
        #expect(gap.flush() == .none)
    }

    @Test("text past the limit is refused with EFBIG, and the open sends nothing after")
    func overLimit() {
        let pending = PendingWrite()
        #expect(write(pending, "abcd", at: 0, limit: 6) == .collect)
        #expect(write(pending, "efg", at: 4, limit: 6) == .refuse(EFBIG))
        #expect(pending.flush() == .none)
        #expect(OpenFile.maxWrite(for: .charp, maxString: 1024) == 1025)
        #expect(OpenFile.maxWrite(for: .u8, maxString: 1024) == 256)
    }
}
