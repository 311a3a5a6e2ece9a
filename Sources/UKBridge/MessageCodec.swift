import NIOCore

/// Encodes and decodes message payloads (type, rid, body) of docs/protocol.md §3. Framing is
/// `FrameEncoder` / `FrameReceiver`'s job.
public enum MessageCodec {
    // MARK: encoding

    public static func encode(request: Request, rid: UInt16, into buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(request.kind.rawValue, rid, endianness: .little)
        switch request {
        case .hello(let minVersion, let maxVersion, let maxPayload):
            buffer.writeInteger(minVersion)
            buffer.writeInteger(maxVersion)
            buffer.writeVarint(maxPayload)
        case .list(let scope, let start):
            switch scope {
            case .root:
                buffer.writeInteger(UInt8(0))
            case .library(let lib):
                buffer.writeInteger(UInt8(1))
                buffer.writeVarint(lib)
            case .object(let lib, let object):
                buffer.writeInteger(UInt8(2))
                buffer.writeVarint(lib)
                buffer.writeVarint(object)
            }
            buffer.writeVarint(start)
        case .get(let refs):
            buffer.writeVarint(refs.count)
            for ref in refs { buffer.writeRef(ref) }
        case .set(let ref, let value):
            buffer.writeRef(ref)
            buffer.writeTypedValue(value)
        case .watch(let flags):
            buffer.writeVarint(flags)
        case .ping:
            break
        }
    }

    public static func encode(answer: Answer, rid: UInt16, into buffer: inout ByteBuffer) {
        switch answer {
        case .failure(let kind, let errno):
            buffer.writeInteger(kind.answerCode)
            buffer.writeInteger(rid, endianness: .little)
            buffer.writeVarint(UInt64(max(errno, 1)))
            return
        default:
            break
        }
        buffer.writeMultipleIntegers(answer.kind.answerCode, rid, UInt8(0), endianness: .little)   // status 0: a one-byte varint
        switch answer {
        case .hello(let info):
            buffer.writeInteger(info.version)
            buffer.writeVarint(info.maxPayload)
            buffer.writeVarint(info.maxBatch)
            buffer.writeVarint(info.maxString)
            buffer.writeInteger(info.bootID, endianness: .big)
            buffer.writeVarint(info.generation)
            buffer.writeString8(info.name)
        case .list(let page):
            buffer.writeVarint(page.generation)
            buffer.writeVarint(page.total)
            buffer.writeVarint(page.children.count)
            for child in page.children { buffer.writeChild(child) }
        case .get(let results):
            buffer.writeVarint(results.count)
            for result in results { buffer.writeResult(result) }
        case .watch(let generation), .ping(let generation):
            buffer.writeVarint(generation)
        case .set, .failure:
            break
        }
    }

    /// The answer to a request of a type this side does not know (§3): no answer case exists for
    /// it, so its code | 0x80 with ENOSYS.
    public static func encodeUnknownAnswer(type: UInt8, rid: UInt16, into buffer: inout ByteBuffer) {
        buffer.writeInteger(type | 0x80)
        buffer.writeInteger(rid, endianness: .little)
        buffer.writeVarint(UInt64(WireErrno.ENOSYS))
    }

    public static func encode(event: ObjectEvent, into buffer: inout ByteBuffer) {
        if event.kind == .overflow {
            buffer.writeInteger(RequestKind.eventsLostCode)
            buffer.writeInteger(ProtocolLimits.eventRequestID, endianness: .little)
            buffer.writeVarint(event.object)
            buffer.writeVarint(event.generation)
            return
        }
        buffer.writeInteger(RequestKind.eventCode)
        buffer.writeInteger(ProtocolLimits.eventRequestID, endianness: .little)
        buffer.writeInteger(event.kind.rawValue)
        buffer.writeVarint(event.lib)
        buffer.writeVarint(event.object)
        buffer.writeVarint(event.generation)
        buffer.writeString8(event.name)
    }

    // MARK: decoding

    /// Decodes one payload. Never throws: whatever the bytes, the result says what they were.
    public static func decode(_ payload: ByteBuffer) -> Message {
        var body = payload
        guard let type: UInt8 = body.readInteger(),
            let rid: UInt16 = body.readInteger(endianness: .little)
        else {
            return .malformed(
                type: payload.getInteger(at: payload.readerIndex) ?? 0, rid: 0,
                reason: "payload shorter than 3 bytes")
        }
        do throws(MalformedBody) {
            let message: Message
            if type == RequestKind.eventCode {
                guard rid == ProtocolLimits.eventRequestID else { throw MalformedBody("event with rid \(rid)") }
                message = .event(try decodeEvent(&body))
            } else if type == RequestKind.eventsLostCode {
                guard rid == ProtocolLimits.eventRequestID else { throw MalformedBody("events lost with rid \(rid)") }
                let dropped = try body.readVarint()
                let generation = try body.readVarint()
                message = .event(ObjectEvent(kind: .overflow, lib: 0, object: dropped, generation: generation, name: []))
            } else if let kind = RequestKind(rawValue: type) {
                message = .request(rid: rid, try decodeRequest(kind, &body))
            } else if type & 0x80 != 0, let kind = RequestKind(rawValue: type & 0x7F) {
                message = .answer(rid: rid, try decodeAnswer(kind, &body))
            } else {
                return .unknown(type: type, rid: rid)
            }
            guard body.readableBytes == 0 else { throw MalformedBody("\(body.readableBytes) trailing bytes") }
            return message
        } catch {
            return .malformed(type: type, rid: rid, reason: error.reason)
        }
    }

    static func decodeRequest(_ kind: RequestKind, _ body: inout ByteBuffer) throws(MalformedBody) -> Request {
        switch kind {
        case .hello:
            let minVersion = try body.readByte("min_version")
            let maxVersion = try body.readByte("max_version")
            let maxPayload = try body.readVarint(atMost: ProtocolLimits.maxPayload, "max_payload")
            return .hello(minVersion: minVersion, maxVersion: maxVersion, maxPayload: maxPayload)
        case .list:
            let scope: ListScope
            switch try body.readByte("scope") {
            case 0: scope = .root
            case 1: scope = .library(try body.readVarint())
            case 2:
                let lib = try body.readVarint()
                scope = .object(lib: lib, object: try body.readVarint())
            case let other: throw MalformedBody("unknown list scope \(other)")
            }
            let start = try body.readVarint(atMost: ProtocolLimits.maxChildren, "start")
            return .list(scope, start: start)
        case .get:
            let count = try body.readVarint(atMost: ProtocolLimits.maxBatch, "get count")
            guard count > 0 else { throw MalformedBody("get of no entries") }
            var refs: [EntryRef] = []
            refs.reserveCapacity(count)
            for _ in 0..<count { refs.append(try body.readRef()) }
            return .get(refs)
        case .set:
            let ref = try body.readRef()
            return .set(ref, try body.readTypedValue())
        case .watch:
            return .watch(flags: try body.readVarint())
        case .ping:
            return .ping
        }
    }

    static func decodeAnswer(_ kind: RequestKind, _ body: inout ByteBuffer) throws(MalformedBody) -> Answer {
        let status = try body.readVarint()
        guard status == 0 else {
            guard status <= UInt64(Int32.max) else { throw MalformedBody("status \(status) is no errno") }
            return .failure(kind, errno: Int32(status))
        }
        switch kind {
        case .hello:
            let version = try body.readByte("version")
            let maxPayload = try body.readVarint(atMost: ProtocolLimits.maxPayload, "max_payload")
            guard maxPayload >= ProtocolLimits.minPayload else { throw MalformedBody("max_payload \(maxPayload) below 512") }
            let maxBatch = try body.readVarint(atMost: ProtocolLimits.maxBatch, "max_batch")
            guard maxBatch >= 1 else { throw MalformedBody("max_batch 0") }
            let maxString = try body.readVarint(atMost: ProtocolLimits.maxString, "max_string")
            guard let bootID: UInt64 = body.readInteger(endianness: .big) else { throw MalformedBody("truncated boot_id") }
            let generation = try body.readVarint()
            let name = try body.readString8("name")
            return .hello(
                HelloInfo(
                    version: version, maxPayload: maxPayload, maxBatch: maxBatch,
                    maxString: maxString, bootID: bootID, generation: generation, name: name))
        case .list:
            let generation = try body.readVarint()
            let total = try body.readVarint(atMost: ProtocolLimits.maxChildren, "total")
            let count = try body.readVarint(atMost: total, "count")
            // Each child takes at least 4 bytes: a count the body cannot hold is a lie.
            guard count * 4 <= body.readableBytes else { throw MalformedBody("count \(count) exceeds the body") }
            var children: [ListedChild] = []
            children.reserveCapacity(count)
            for _ in 0..<count { children.append(try body.readChild()) }
            return .list(ListPage(generation: generation, total: total, children: children))
        case .get:
            let count = try body.readVarint(atMost: ProtocolLimits.maxBatch, "count")
            guard count * 2 <= body.readableBytes else { throw MalformedBody("count \(count) exceeds the body") }
            var results: [EntryResult] = []
            results.reserveCapacity(count)
            for _ in 0..<count { results.append(try body.readResult()) }
            return .get(results)
        case .set:
            return .set
        case .watch:
            return .watch(generation: try body.readVarint())
        case .ping:
            return .ping(generation: try body.readVarint())
        }
    }

    static func decodeEvent(_ body: inout ByteBuffer) throws(MalformedBody) -> ObjectEvent {
        let rawKind = try body.readByte("event kind")
        guard let kind = ObjectEventKind(rawValue: rawKind), kind != .overflow else { throw MalformedBody("unknown event kind \(rawKind)") }
        let lib = try body.readVarint()
        let object = try body.readVarint()
        let generation = try body.readVarint()
        let name = try body.readString8("object name")
        return ObjectEvent(kind: kind, lib: lib, object: object, generation: generation, name: name)
    }
}

extension ByteBuffer {
    mutating func writeRef(_ ref: EntryRef) {
        writeVarint(ref.lib)
        writeVarint(ref.slot)
        writeVarint(ref.entry)
    }

    mutating func readRef() throws(MalformedBody) -> EntryRef {
        let lib = try readVarint()
        let slot = try readVarint()
        return EntryRef(lib: lib, slot: slot, entry: try readVarint())
    }

    mutating func writeChild(_ child: ListedChild) {
        writeInteger(child.kind.rawValue)
        writeVarint(child.id)
        if child.kind == .entry {
            writeInteger((child.type?.rawValue ?? 0) | child.access.rawValue)
        }
        writeString8(child.name)
    }

    mutating func readChild() throws(MalformedBody) -> ListedChild {
        let rawKind = try readByte("child kind")
        guard let kind = ChildKind(rawValue: rawKind) else { throw MalformedBody("unknown child kind \(rawKind)") }
        let id = try readVarint()
        var type: EntryType?
        var access: Access = []
        if kind == .entry {
            let tinfo = try readByte("tinfo")
            guard let entryType = EntryType(rawValue: tinfo & 0x0F) else {
                throw MalformedBody("unknown entry type \(tinfo & 0x0F)")
            }
            guard tinfo & 0xC0 == 0 else { throw MalformedBody("reserved tinfo bits set") }
            type = entryType
            access = Access(rawValue: tinfo & 0x30)
        }
        let name = try readString8("child name")
        guard !name.isEmpty else { throw MalformedBody("empty child name") }
        return ListedChild(kind: kind, id: id, type: type, access: access, name: name)
    }

    mutating func writeResult(_ result: EntryResult) {
        switch result {
        case .value(let value): writeTypedValue(value)
        case .error(let errno):
            writeInteger(UInt8(0))
            writeVarint(UInt64(max(errno, 1)))
        }
    }

    mutating func readResult() throws(MalformedBody) -> EntryResult {
        guard let tag: UInt8 = getInteger(at: readerIndex) else { throw MalformedBody("truncated result") }
        if tag == 0 {
            moveReaderIndex(forwardBy: 1)
            let errno = try readVarint()
            guard errno > 0, errno <= UInt64(Int32.max) else { throw MalformedBody("errno \(errno)") }
            return .error(Int32(errno))
        }
        return .value(try readTypedValue())
    }
}
