/// The canonical one-line rendering of a message (docs/protocol.md §9), shared with the C agent's
/// tests through the test vectors; also what ukfs logs when it refuses a message.
public enum CanonicalText {
    public static func render(_ message: Message) -> String {
        switch message {
        case .request(let rid, let request): render(request, rid: rid)
        case .answer(let rid, let answer): render(answer, rid: rid)
        case .event(let event) where event.kind == .overflow:
            "EVENTS_LOST rid=0 dropped=\(event.object) generation=\(event.generation)"
        case .event(let event):
            "EVENT rid=0 kind=\(event.kind == .created ? "created" : "released") lib=\(event.lib) obj=\(event.object) generation=\(event.generation) name=\(quote(event.name))"
        case .malformed(let type, let rid, _): "malformed type=\(hexByte(type)) rid=\(rid)"
        case .unknown(let type, let rid): "unknown type=\(hexByte(type)) rid=\(rid)"
        }
    }

    static func render(_ request: Request, rid: UInt16) -> String {
        switch request {
        case .hello(let minVersion, let maxVersion, let maxPayload):
            return "HELLO rid=\(rid) min=\(minVersion) max=\(maxVersion) max_payload=\(maxPayload)"
        case .list(let scope, let start):
            let where_ =
                switch scope {
                case .root: "scope=0"
                case .library(let lib): "scope=1 lib=\(lib)"
                case .object(let lib, let object): "scope=2 lib=\(lib) obj=\(object)"
                }
            return "LIST rid=\(rid) \(where_) start=\(start)"
        case .get(let refs):
            return "GET rid=\(rid) count=\(refs.count)" + refs.map { " ref=\(render($0))" }.joined()
        case .set(let ref, let value):
            return "SET rid=\(rid) ref=\(render(ref)) value=\(render(value))"
        case .watch(let flags):
            return "WATCH rid=\(rid) flags=\(flags)"
        case .ping:
            return "PING rid=\(rid)"
        }
    }

    static func render(_ answer: Answer, rid: UInt16) -> String {
        switch answer {
        case .failure(let kind, let errno):
            return "\(name(kind))_ANSWER rid=\(rid) status=\(errno)"
        case .hello(let info):
            return
                "HELLO_ANSWER rid=\(rid) status=0 version=\(info.version) max_payload=\(info.maxPayload) max_batch=\(info.maxBatch) max_string=\(info.maxString) boot=\(hex64(info.bootID)) generation=\(info.generation) name=\(quote(info.name))"
        case .list(let page):
            return "LIST_ANSWER rid=\(rid) status=0 generation=\(page.generation) total=\(page.total) count=\(page.children.count)"
                + page.children.map { " child=\(render($0))" }.joined()
        case .get(let results):
            return "GET_ANSWER rid=\(rid) status=0 count=\(results.count)"
                + results.map { result in
                    switch result {
                    case .value(let value): " value=\(render(value))"
                    case .error(let errno): " error=\(errno)"
                    }
                }.joined()
        case .set:
            return "SET_ANSWER rid=\(rid) status=0"
        case .watch(let generation):
            return "WATCH_ANSWER rid=\(rid) status=0 generation=\(generation)"
        case .ping(let generation):
            return "PING_ANSWER rid=\(rid) status=0 generation=\(generation)"
        }
    }

    static func render(_ ref: EntryRef) -> String { "\(ref.lib),\(ref.slot),\(ref.entry)" }

    static func render(_ value: Value) -> String {
        switch value {
        case .signed(let type, let number): "\(type):\(number)"
        case .unsigned(let type, let number): "\(type):\(number)"
        case .charp(let bytes): "charp:\(quote(bytes))"
        }
    }

    static func render(_ child: ListedChild) -> String {
        switch child.kind {
        case .library: "library,\(child.id),\(quote(child.name))"
        case .object: "object,\(child.id),\(quote(child.name))"
        case .entry: "entry,\(child.id),\(child.type.map { "\($0)" } ?? "?"),\(child.access),\(quote(child.name))"
        }
    }

    static func name(_ kind: RequestKind) -> String {
        switch kind {
        case .hello: "HELLO"
        case .list: "LIST"
        case .get: "GET"
        case .set: "SET"
        case .watch: "WATCH"
        case .ping: "PING"
        }
    }

    /// Double-quoted, with `\\`, `\"` and bytes outside 0x20–0x7e as `\xNN`.
    public static func quote(_ bytes: [UInt8]) -> String {
        var out = "\""
        for byte in bytes {
            switch byte {
            case 0x5C: out += "\\\\"
            case 0x22: out += "\\\""
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += "\\x" + hexDigits(byte)
            }
        }
        return out + "\""
    }

    static func hexByte(_ byte: UInt8) -> String { "0x" + hexDigits(byte) }

    static func hexDigits(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }

    public static func hex64(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
