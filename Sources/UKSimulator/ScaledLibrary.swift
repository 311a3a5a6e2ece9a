import UKBridge

/// `ukfs sim --scale N`: a library of many entries, for benchmarks of walks and memory at scale
/// (docs/simulated-store.md). Kept apart from the default store, which tests rely on.
enum ScaledLibrary {
    static let id: UInt64 = 6
    static let name = "appscale"
    static let entriesPerObject = 100

    /// Entry `v<NN>`: a counter that differs per object and entry.
    private static func entry(_ index: Int) -> SimEntry {
        let name = index < 10 ? "v0\(index)" : "v\(index)"
        let offset = UInt64(index)
        return Producers.u64(offset + 1, name) { clock, object in
            clock.milliseconds &+ object &* 1000 &+ offset
        }
    }

    /// `appscale` with ⌈entries/100⌉ objects `obj<k>`, each with the 100 u64 entries `v00`…`v99`
    /// (ids 1…100); nil for 0.
    static func make(entries: Int) -> SimLibrary? {
        guard entries > 0 else { return nil }
        let template = (0..<entriesPerObject).map(entry)
        var library = SimLibrary(id: id, name: name, staticEntries: [], objectTemplate: template)
        let objects = (entries + entriesPerObject - 1) / entriesPerObject
        for object in 0..<UInt64(objects) {
            library.objects[object] = SimObject(id: object, name: "obj\(object)")
        }
        return library
    }
}
