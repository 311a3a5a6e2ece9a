@main
enum Entry {
    static func main() async {
        // Termination signals are taken by one thread with sigwait (Signals.swift). They must be
        // blocked before any other thread exists, so every thread inherits the mask.
        Signals.blockTermination()
        await Ukfs.main()
    }
}
