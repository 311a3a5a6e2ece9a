import Testing

@testable import UKBridge

@Suite("What users write into entry files")
struct ValueParsingTests {
    private func parse(_ text: String, _ type: EntryType) -> Result<Value, ValueParseError> {
        Value.parse(Array(text.utf8), as: type)
    }

    @Test func decimalHexAndNewlines() {
        #expect(parse("7\n", .u8) == .success(.unsigned(.u8, 7)))
        #expect(parse("7", .u8) == .success(.unsigned(.u8, 7)))
        #expect(parse("0x1F\n", .u16) == .success(.unsigned(.u16, 31)))
        #expect(parse("  -128 \n", .s8) == .success(.signed(.s8, -128)))
        #expect(parse("-9223372036854775808", .s64) == .success(.signed(.s64, .min)))
        #expect(parse("18446744073709551615", .u64) == .success(.unsigned(.u64, .max)))
        #expect(parse("0xffff800000001000", .uptr) == .success(.unsigned(.uptr, 0xffff800000001000)))
    }

    @Test func outOfRangeIsERANGE() {
        #expect(parse("300\n", .u8) == .failure(.outOfRange))
        #expect(parse("128", .s8) == .failure(.outOfRange))
        #expect(parse("-1", .u32) == .failure(.outOfRange))
        #expect(parse("18446744073709551616", .u64) == .failure(.outOfRange))
        #expect(parse("99999999999999999999999", .s64) == .failure(.outOfRange))
        #expect(parse("9223372036854775808", .s64) == .failure(.outOfRange))
    }

    @Test func nonsenseIsEINVAL() {
        #expect(parse("abc\n", .u8) == .failure(.invalid))
        #expect(parse("", .u8) == .failure(.invalid))
        #expect(parse("\n", .u8) == .failure(.invalid))
        #expect(parse("0x", .u8) == .failure(.invalid))
        #expect(parse("1 2", .u8) == .failure(.invalid))
        #expect(parse("0x1g", .u32) == .failure(.invalid))
    }

    @Test func charpKeepsTextButOneNewline() {
        #expect(parse("web-1\n", .charp) == .success(.charp(Array("web-1".utf8))))
        #expect(parse("a b\n\n", .charp) == .success(.charp(Array("a b\n".utf8))))
        #expect(Value.parse([0x61, 0, 0x62], as: .charp) == .failure(.invalid))
    }

    @Test func rendering() {
        #expect(String(decoding: Value.unsigned(.uptr, 4096).text, as: UTF8.self) == "0x1000")
        #expect(String(decoding: Value.signed(.s32, -5).text, as: UTF8.self) == "-5")
        #expect(String(decoding: Value.unsigned(.u64, 1234567).text, as: UTF8.self) == "1234567")
    }
}
