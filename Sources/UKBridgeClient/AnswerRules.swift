import UKBridge

/// What the guest announced, held against its answers: a charp value longer than its own
/// `max_string`, or containing NUL (a C string cannot, and a reader would get a truncated or
/// smuggled text), is refused — that entry reads as EIO, the rest of a batch is kept.
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
