import UKBridge

/// The one reading of an answer by whoever asked — the mount, `--all` and the scripting commands
/// alike: the part the request expects, or why there is none. The guest's own failure answer is
/// its errno; an answer of the wrong kind, like every transport failure, is EIO (BridgeError.errno).
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
