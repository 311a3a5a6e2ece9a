import Foundation
import Testing
import UKBridge
import UKBridgeClient
import UKGuestTree

@Suite("From an answer, or a written text, to the errno a reader or writer gets")
struct AnswerErrnoTests {
    private let value = EntryResult.value(.unsigned(.u8, 7))

    @Test("a GET's results are passed on when there are as many as asked for")
    func getResults() {
        let answer: Result<Answer, BridgeError> = .success(.get([value, .error(WireErrno.EACCES)]))
        #expect(answer.entryResults(count: 2) == [value, .error(WireErrno.EACCES)])
    }

    @Test("a GET of one entry: its result, or the reason there is none")
    func oneEntry() {
        #expect((Result<Answer, BridgeError>.success(.get([value]))).entryResult == value)
        #expect((Result<Answer, BridgeError>.success(.get([.error(WireErrno.EACCES)]))).entryResult == .error(WireErrno.EACCES))
        #expect((Result<Answer, BridgeError>.success(.failure(.get, errno: WireErrno.EPERM))).entryResult == .error(WireErrno.EPERM))
        #expect((Result<Answer, BridgeError>.success(.get([value, value]))).entryResult == .error(EIO), "not an answer to one")
        #expect((Result<Answer, BridgeError>.failure(.timedOut)).entryResult == .error(EIO))
    }

    @Test("without results, every entry gets the reason: the guest's errno, else EIO")
    func getFailures() {
        let refused: Result<Answer, BridgeError> = .success(.failure(.get, errno: WireErrno.EPERM))
        #expect(refused.entryResults(count: 2) == [.error(WireErrno.EPERM), .error(WireErrno.EPERM)])
        let short: Result<Answer, BridgeError> = .success(.get([value]))
        #expect(short.entryResults(count: 2) == [.error(EIO), .error(EIO)])
        let wrongKind: Result<Answer, BridgeError> = .success(.set)
        #expect(wrongKind.entryResults(count: 1) == [.error(EIO)])
        let timedOut: Result<Answer, BridgeError> = .failure(.timedOut)
        #expect(timedOut.entryResults(count: 1) == [.error(EIO)])
    }

    @Test("a SET succeeds only on its own answer")
    func setOutcome() {
        #expect((Result<Answer, BridgeError>.success(.set)).setFailure == nil)
        #expect((Result<Answer, BridgeError>.success(.failure(.set, errno: WireErrno.ERANGE))).setFailure == WireErrno.ERANGE)
        #expect((Result<Answer, BridgeError>.success(.get([]))).setFailure == EIO)
        #expect((Result<Answer, BridgeError>.failure(.disconnected)).setFailure == EIO)
        #expect((Result<Answer, BridgeError>.failure(.guest(errno: EACCES))).setFailure == EACCES)
    }

    @Test("expecting a part: the guest's failure becomes its errno, another kind of answer unexpected")
    func expecting() {
        let page = ListPage(generation: 1, total: 0, children: [])
        let list: (Answer) -> ListPage? = { if case .list(let page) = $0 { page } else { nil } }
        #expect(Result<Answer, BridgeError>.success(.list(page)).expecting(list) == .success(page))
        #expect(
            Result<Answer, BridgeError>.success(.failure(.list, errno: WireErrno.ENOENT)).expecting(list)
                == .failure(.guest(errno: WireErrno.ENOENT)))
        #expect(Result<Answer, BridgeError>.success(.set).expecting(list) == .failure(.unexpectedAnswer))
        #expect(Result<Answer, BridgeError>.failure(.overloaded).expecting(list) == .failure(.overloaded))
    }

    @Test("written text: EINVAL for nonsense, ERANGE out of range, EFBIG for a string over max_string")
    func writtenText() {
        func errno(_ text: String, _ type: EntryType, maxString: Int = 16) -> Int32? {
            if case .failure(let refusal) = WrittenText.value(Array(text.utf8), as: type, maxString: maxString) {
                return refusal.errno
            }
            return nil
        }
        #expect(WrittenText.value(Array("7\n".utf8), as: .u8, maxString: 16) == .success(.unsigned(.u8, 7)))
        #expect(errno("7\n", .u8) == nil)
        #expect(errno("seven", .u8) == EINVAL)
        #expect(errno("300\n", .u8) == ERANGE)
        #expect(errno("-1", .u64) == ERANGE)
        #expect(errno("web-1\n", .charp) == nil)
        #expect(errno("0123456789abcdefg", .charp) == EFBIG)
        #expect(errno("0123456789abcdef\n", .charp) == nil)
        #expect(errno("a\u{0}b", .charp) == EINVAL)
    }
}
