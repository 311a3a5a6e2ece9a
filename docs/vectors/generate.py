#!/usr/bin/env python3
"""Writes protocol-v1.txt: an independent reference encoder for docs/protocol.md.

Kept apart from both real implementations (Swift host, C guest) on purpose, so that the vectors
test them instead of repeating them. Run: python3 docs/vectors/generate.py > docs/vectors/protocol-v1.txt
"""

def crc8(data):
    c = 0
    for b in data:
        c ^= b
        for _ in range(8):
            c = ((c << 1) ^ 0x07) & 0xFF if c & 0x80 else (c << 1) & 0xFF
    return c

def crc16(data):
    c = 0xFFFF
    for b in data:
        c ^= b << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) & 0xFFFF if c & 0x8000 else (c << 1) & 0xFFFF
    return c

assert crc8(b"123456789") == 0xF4
assert crc16(b"123456789") == 0x29B1

def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)

def svarint(n):
    return varint(((n << 1) ^ (n >> 63)) & 0xFFFFFFFFFFFFFFFF)

def str8(s):
    b = s.encode() if isinstance(s, str) else s
    return bytes([len(b)]) + b

def frame(payload, hcrc=None, crc=None):
    ln = len(payload).to_bytes(2, "little")
    h = crc8(ln) if hcrc is None else hcrc
    body = ln + bytes([h]) + payload
    c = crc16(body) if crc is None else crc
    return b"UK" + body + c.to_bytes(2, "little")

def msg(t, rid, body=b""):
    return bytes([t]) + rid.to_bytes(2, "little") + body

TYPES = {1: "s8", 2: "u8", 3: "s16", 4: "u16", 5: "s32", 6: "u32", 7: "s64", 8: "u64", 9: "uptr", 10: "charp"}
CODE = {v: k for k, v in TYPES.items()}

def value(tname, v):
    code = CODE[tname]
    if tname == "charp":
        b = v.encode()
        return bytes([code]) + varint(len(b)) + b
    if tname.startswith("s"):
        return bytes([code]) + svarint(v)
    return bytes([code]) + varint(v)

def quote(s):
    b = s.encode() if isinstance(s, str) else s
    out = '"'
    for x in b:
        if x == 0x5C: out += "\\\\"
        elif x == 0x22: out += '\\"'
        elif 0x20 <= x <= 0x7E: out += chr(x)
        else: out += "\\x%02x" % x
    return out + '"'

def vtext(tname, v):
    return "%s:%s" % (tname, quote(v) if tname == "charp" else v)

def ref(lib, slot, entry):
    return varint(lib) + varint(slot) + varint(entry)

vectors = []

def vec(name, direction, stream, msgs, maxp=None):
    vectors.append((name, direction, stream, msgs, maxp))

# ---- host -> guest: requests -------------------------------------------------------------------
vec("hello", "to-guest", frame(msg(0x01, 1, bytes([1, 1]) + varint(65535))),
    ["HELLO rid=1 min=1 max=1 max_payload=65535"])
vec("list-root", "to-guest", frame(msg(0x02, 2, bytes([0]) + varint(0))),
    ["LIST rid=2 scope=0 start=0"])
vec("list-library", "to-guest", frame(msg(0x02, 3, bytes([1]) + varint(2) + varint(0))),
    ["LIST rid=3 scope=1 lib=2 start=0"])
vec("list-object-second-page", "to-guest", frame(msg(0x02, 4, bytes([2]) + varint(2) + varint(300) + varint(40))),
    ["LIST rid=4 scope=2 lib=2 obj=300 start=40"])
vec("get-netdev0-rx_bytes", "to-guest", frame(msg(0x03, 7, varint(1) + ref(2, 1, 0x10))),
    ["GET rid=7 count=1 ref=2,1,16"])
vec("get-batch-3", "to-guest", frame(msg(0x03, 8, varint(3) + ref(0, 0, 1) + ref(2, 1, 0x10) + ref(4, 129, 0x01))),
    ["GET rid=8 count=3 ref=0,0,1 ref=2,1,16 ref=4,129,1"])
vec("get-non-minimal-varint-accepted", "to-guest", frame(msg(0x03, 9, b"\x01" + b"\x82\x00" + b"\x00" + b"\x81\x80\x00")),
    ["GET rid=9 count=1 ref=2,0,1"])
vec("set-u8", "to-guest", frame(msg(0x04, 10, ref(3, 0, 1) + value("u8", 7))),
    ["SET rid=10 ref=3,0,1 value=u8:7"])
vec("set-s64-negative", "to-guest", frame(msg(0x04, 11, ref(5, 0, 9) + value("s64", -9223372036854775808))),
    ["SET rid=11 ref=5,0,9 value=s64:-9223372036854775808"])
vec("set-charp", "to-guest", frame(msg(0x04, 12, ref(5, 0, 2) + value("charp", 'web-"1"\\'))),
    ['SET rid=12 ref=5,0,2 value=charp:' + quote('web-"1"\\')])
vec("set-u64-max", "to-guest", frame(msg(0x04, 13, ref(5, 0, 3) + value("u64", 2**64 - 1))),
    ["SET rid=13 ref=5,0,3 value=u64:18446744073709551615"])
vec("watch", "to-guest", frame(msg(0x05, 14, varint(1))), ["WATCH rid=14 flags=1"])
vec("ping", "to-guest", frame(msg(0x06, 65535)), ["PING rid=65535"])
vec("unknown-type", "to-guest", frame(msg(0x77, 15, b"\x01\x02")), ["unknown type=0x77 rid=15"])
vec("two-frames-back-to-back", "to-guest",
    frame(msg(0x06, 16)) + frame(msg(0x03, 17, varint(1) + ref(0, 0, 1))),
    ["PING rid=16", "GET rid=17 count=1 ref=0,0,1"])

# ---- malformed bodies in good frames -----------------------------------------------------------
vec("malformed-get-count-zero", "to-guest", frame(msg(0x03, 20, varint(0))), ["malformed type=0x03 rid=20"])
vec("malformed-get-truncated", "to-guest", frame(msg(0x03, 21, varint(2) + ref(0, 0, 1))), ["malformed type=0x03 rid=21"])
vec("malformed-get-trailing-bytes", "to-guest", frame(msg(0x03, 22, varint(1) + ref(0, 0, 1) + b"\x00")), ["malformed type=0x03 rid=22"])
vec("malformed-varint-11-bytes", "to-guest", frame(msg(0x03, 23, b"\x01" + b"\x80" * 10 + b"\x01" + b"\x00\x01")), ["malformed type=0x03 rid=23"])
vec("malformed-varint-overflow", "to-guest", frame(msg(0x03, 24, b"\x01" + b"\xff" * 9 + b"\x02" + b"\x00\x01")), ["malformed type=0x03 rid=24"])
vec("malformed-set-tag-0", "to-guest", frame(msg(0x04, 25, ref(3, 0, 1) + b"\x00\x07")), ["malformed type=0x04 rid=25"])
vec("malformed-set-tag-11", "to-guest", frame(msg(0x04, 26, ref(3, 0, 1) + b"\x0b\x07")), ["malformed type=0x04 rid=26"])
vec("malformed-set-s8-out-of-range", "to-guest", frame(msg(0x04, 27, ref(3, 0, 1) + bytes([1]) + svarint(200))), ["malformed type=0x04 rid=27"])
vec("malformed-set-u16-out-of-range", "to-guest", frame(msg(0x04, 28, ref(3, 0, 1) + bytes([4]) + varint(70000))), ["malformed type=0x04 rid=28"])
vec("malformed-list-scope-3", "to-guest", frame(msg(0x02, 29, bytes([3]) + varint(0))), ["malformed type=0x02 rid=29"])
vec("malformed-charp-over-4096", "to-guest", frame(msg(0x04, 30, ref(5, 0, 2) + bytes([10]) + varint(4097) + b"a" * 4097)), ["malformed type=0x04 rid=30"])
vec("malformed-hello-short", "to-guest", frame(msg(0x01, 31, bytes([1]))), ["malformed type=0x01 rid=31"])

# ---- framing faults: what survives resynchronisation ------------------------------------------
good = frame(msg(0x06, 40))
vec("garbage-before-frame", "to-guest", b"hello\r\nUU\x00K" + good, ["PING rid=40"])
vec("uart-0xff-noise", "to-guest", b"\xff" * 32 + good + b"\xff" * 8, ["PING rid=40"])
vec("bad-hcrc-then-frame", "to-guest", frame(msg(0x06, 41), hcrc=0x00) + good, ["PING rid=40"])
vec("bad-crc-then-frame", "to-guest", frame(msg(0x06, 42), crc=0x0000) + good, ["PING rid=40"])
vec("len-below-3", "to-guest", b"UK\x02\x00" + bytes([crc8(b"\x02\x00")]) + b"\x06\x00" + good, ["PING rid=40"])
vec("len-over-receiver-max", "to-guest", b"UK\x01\x04" + bytes([crc8(b"\x01\x04")]) + good, ["PING rid=40"], maxp=1024)
trunc = frame(msg(0x03, 43, varint(1) + ref(0, 0, 1)))[:8]
vec("truncated-frame-then-frame", "to-guest", trunc + good, ["PING rid=40"])
vec("frame-inside-bad-frame", "to-guest", b"UK" + b"\x0f\x00" + bytes([crc8(b"\x0f\x00")]) + good + b"\x00" * 10, ["PING rid=40"])
vec("only-garbage", "to-guest", b"UKUKUK\x55\x4b\x00", [])

# ---- guest -> host: answers and events ---------------------------------------------------------
vec("hello-answer", "to-host",
    frame(msg(0x81, 1, varint(0) + bytes([1]) + varint(1024) + varint(64) + varint(1024)
              + bytes.fromhex("0011223344556677") + varint(5) + str8("vm1"))),
    ['HELLO_ANSWER rid=1 status=0 version=1 max_payload=1024 max_batch=64 max_string=1024 boot=0011223344556677 generation=5 name="vm1"'])
vec("hello-answer-no-version", "to-host", frame(msg(0x81, 1, varint(93))), ["HELLO_ANSWER rid=1 status=93"])
vec("list-answer-root", "to-host",
    frame(msg(0x82, 2, varint(0) + varint(5) + varint(2) + varint(2)
              + bytes([1]) + varint(0) + str8("libukalloc")
              + bytes([1]) + varint(2) + str8("libuknetdev"))),
    ['LIST_ANSWER rid=2 status=0 generation=5 total=2 count=2 child=library,0,"libukalloc" child=library,2,"libuknetdev"'])
vec("list-answer-library", "to-host",
    frame(msg(0x82, 3, varint(0) + varint(6) + varint(3) + varint(3)
              + bytes([3]) + varint(1) + bytes([0x02 | 0x10 | 0x20]) + str8("console_lvl")
              + bytes([3]) + varint(0x10) + bytes([0x08 | 0x10]) + str8("rx_bytes")
              + bytes([2]) + varint(0) + str8("netdev0"))),
    ['LIST_ANSWER rid=3 status=0 generation=6 total=3 count=3 child=entry,1,u8,rw,"console_lvl" child=entry,16,u64,r-,"rx_bytes" child=object,0,"netdev0"'])
vec("list-answer-paged", "to-host",
    frame(msg(0x82, 4, varint(0) + varint(6) + varint(500) + varint(1)
              + bytes([3]) + varint(7) + bytes([0x0a | 0x20]) + str8("secret")
              )),
    ['LIST_ANSWER rid=4 status=0 generation=6 total=500 count=1 child=entry,7,charp,-w,"secret"'])
vec("list-answer-enoent", "to-host", frame(msg(0x82, 5, varint(2))), ["LIST_ANSWER rid=5 status=2"])
vec("get-answer-netdev0-rx_bytes", "to-host",
    frame(msg(0x83, 7, varint(0) + varint(1) + value("u64", 1234567))),
    ["GET_ANSWER rid=7 status=0 count=1 value=u64:1234567"])
vec("get-answer-mixed", "to-host",
    frame(msg(0x83, 8, varint(0) + varint(6) + value("s8", -128) + bytes([0]) + varint(13)
              + value("uptr", 0xffff800000001000) + value("charp", "vm\x01") + value("s32", 2147483647)
              + bytes([0]) + varint(75))),
    ['GET_ANSWER rid=8 status=0 count=6 value=s8:-128 error=13 value=uptr:18446603336221200384 value=charp:"vm\\x01" value=s32:2147483647 error=75'])
vec("set-answer-ok", "to-host", frame(msg(0x84, 10, varint(0))), ["SET_ANSWER rid=10 status=0"])
vec("set-answer-erange", "to-host", frame(msg(0x84, 11, varint(34))), ["SET_ANSWER rid=11 status=34"])
vec("watch-answer", "to-host", frame(msg(0x85, 14, varint(0) + varint(300))), ["WATCH_ANSWER rid=14 status=0 generation=300"])
vec("ping-answer", "to-host", frame(msg(0x86, 65535, varint(0) + varint(2**64 - 1))), ["PING_ANSWER rid=65535 status=0 generation=18446744073709551615"])
vec("event-created", "to-host", frame(msg(0x40, 0, bytes([1]) + varint(2) + varint(1) + varint(7) + str8("netdev1"))),
    ['EVENT rid=0 kind=created lib=2 obj=1 generation=7 name="netdev1"'])
vec("event-released", "to-host", frame(msg(0x40, 0, bytes([2]) + varint(2) + varint(1) + varint(8) + str8("netdev1"))),
    ['EVENT rid=0 kind=released lib=2 obj=1 generation=8 name="netdev1"'])
vec("malformed-event-nonzero-rid", "to-host", frame(msg(0x40, 9, bytes([1]) + varint(2) + varint(1) + varint(7) + str8("x"))),
    ["malformed type=0x40 rid=9"])
vec("malformed-event-kind-3", "to-host", frame(msg(0x40, 0, bytes([3]) + varint(2) + varint(1) + varint(7) + str8("x"))),
    ["malformed type=0x40 rid=0"])
vec("malformed-list-answer-count-over-total", "to-host",
    frame(msg(0x82, 6, varint(0) + varint(1) + varint(1) + varint(2)
              + bytes([1]) + varint(0) + str8("a") + bytes([1]) + varint(1) + str8("b"))),
    ["malformed type=0x82 rid=6"])
vec("malformed-list-answer-empty-name", "to-host",
    frame(msg(0x82, 6, varint(0) + varint(1) + varint(1) + varint(1) + bytes([1]) + varint(0) + str8(""))),
    ["malformed type=0x82 rid=6"])
vec("malformed-list-answer-entry-type-0", "to-host",
    frame(msg(0x82, 6, varint(0) + varint(1) + varint(1) + varint(1) + bytes([3]) + varint(1) + bytes([0x10]) + str8("x"))),
    ["malformed type=0x82 rid=6"])
vec("malformed-get-answer-truncated", "to-host",
    frame(msg(0x83, 7, varint(0) + varint(2) + value("u64", 1))), ["malformed type=0x83 rid=7"])
vec("unknown-answer-type", "to-host", frame(msg(0x99, 3, b"\x00")), ["unknown type=0x99 rid=3"])

def main():
    print("# ukfs bridge protocol v1 test vectors (docs/protocol.md §9). Generated by generate.py.")
    print("# 'max N' gives the receiver's max payload when it matters (default 65535).")
    for name, direction, stream, msgs, maxp in vectors:
        print()
        print("vector " + name)
        print("dir " + direction)
        if maxp is not None:
            print("max %d" % maxp)
        hx = stream.hex()
        for i in range(0, len(hx), 64):
            print("hex " + " ".join(hx[j:j+2] for j in range(i, min(i + 64, len(hx)), 2)))
        for m in msgs:
            print("msg " + m)
        print("end")

if __name__ == "__main__":
    main()
