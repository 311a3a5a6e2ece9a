import UKBridge

/// Every rule for reading an answer, in one place. First on the connection, for every answer:
/// what the guest announced, held against what it answers — a charp value longer than its own
/// `max_string`, or containing NUL (a C string cannot, and a reader would get a truncated or
/// smuggled text), is refused: that entry reads as EIO, the rest of a batch is kept.
enum AnswerRules {
    /// The answer with every value that breaks a rule replaced by EIO, and how many were.
    static func check(_ answer: Answer, maxString: Int) -> (answer: Answer, refused: Int) {
        guard case .get(let results) = answer else { return (answer, 0) }
        var refused = 0
        let checked = results.map { result -> EntryResult in
            guard case .value(.charp(let text)) = result, text.count > maxString || text.contains(0) else { return result }
            refused += 1
            return .error(WireErrno.EIO)
        }
        return refused == 0 ? (answer, 0) : (.get(checked), refused)
    }
}

/// Then by whoever asked — the mount, `--all` and the scripting commands alike: the part the
/// request expects, or why there is none. The guest's own failure answer is its errno; an answer of
/// the wrong kind, like every transport failure, is EIO (BridgeError.errno).
extension Result where Success == Answer, Failure == BridgeError {
    /// `part` picks what the request expects out of the answer (nil: not an answer to it).
    @inlinable
    public func expecting<Part>(_ part: (Answer) -> Part?) -> Result<Part, BridgeError> {
        switch self {
        case .success(.failure(_, let errno)): .failure(.guest(errno: errno))
        case .success(let answer): part(answer).map { .success($0) } ?? .failure(.unexpectedAnswer)
        case .failure(let error): .failure(error)
        }
    }

    /// The result of a GET of one entry: its value, or the errno of why there is none.
    public var entryResult: EntryResult {
        switch expecting({ answer -> EntryResult? in
            guard case .get(let results) = answer, results.count == 1 else { return nil }
            return results[0]
        }) {
        case .success(let result): result
        case .failure(let error): .error(error.errno)
        }
    }

    /// The results of a GET of `count` entries, in order; when there are none, each entry has the
    /// errno of why.
    public func entryResults(count: Int) -> [EntryResult] {
        let results = expecting { answer -> [EntryResult]? in
            guard case .get(let results) = answer, results.count == count else { return nil }
            return results
        }
        switch results {
        case .success(let results): return results
        case .failure(let error): return Array(repeating: .error(error.errno), count: count)
        }
    }

    /// A SET's outcome: nil when the setter ran, else the errno its writer gets.
    public var setFailure: Int32? {
        switch expecting({ answer -> Void? in if case .set = answer { () } else { nil } }) {
        case .success: nil
        case .failure(let error): error.errno
        }
    }
}
