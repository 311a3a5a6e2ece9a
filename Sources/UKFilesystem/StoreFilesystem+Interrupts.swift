import CFuse3

extension StoreFilesystem {
    /// Runs `start` for a request that will wait on the guest; `start` gets an `answer` function
    /// that replies unless the request was interrupted meanwhile.
    func interruptibly(_ request: FuseRequest, _ start: (_ answer: @escaping @Sendable ((FuseRequest) -> Void) -> Void) -> Void) {
        guard let ticket = interrupts.register(request) else { return }
        start { reply in
            if let request = self.interrupts.claim(ticket) { reply(request) }
        }
    }
}
