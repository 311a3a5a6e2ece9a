import Foundation
import Testing

/// One SET per open, from the whole text: at the first complete line, or at close; an invalid,
/// out-of-range or over-long value never reaches the guest. The guest double counts its SETs.
@Suite("Writing values")
struct WriteTests {
    private func mounted() throws -> (Instance, HostileGuest) {
        let instance = try Instance()
        let guest = try HostileGuest(path: instance.socket, behaviour: .normal)
        do { try instance.mountOnly() } catch {
            guest.stop()
            instance.stop()
            throw error
        }
        return (instance, guest)
    }

    @Test("printf 300 | dd bs=1 leaves the value unchanged and dd fails with ERANGE at close")
    func bytewiseOutOfRange() throws {
        let (instance, guest) = try mounted()
        defer { guest.stop(); instance.stop() }
        let dd = instance.sh("printf 300 | dd of=\"$M/libtest/knob\" bs=1")
        #expect(dd.status != 0 && dd.stderr.contains("Numerical result out of range"), "\(dd)")
        #expect(guest.sets == 0, "nothing reached the setter")
        #expect(instance.read("libtest/knob") == "1\n")
    }

    @Test("echo 300 > still fails at write() with ERANGE, and sends nothing")
    func lineOutOfRange() throws {
        let (instance, guest) = try mounted()
        defer { guest.stop(); instance.stop() }
        let echo = instance.sh("echo 300 > \"$M/libtest/knob\"")
        #expect(echo.stderr.contains("write error: Numerical result out of range"), "\(echo)")
        let invalid = instance.sh("echo 12abc > \"$M/libtest/knob\"")
        #expect(invalid.stderr.contains("Invalid argument"), "\(invalid)")
        #expect(guest.sets == 0)
        #expect(instance.read("libtest/knob") == "1\n")
    }

    @Test("a value written byte by byte is set once, whole, at close; a line is set once, at once")
    func oneSetPerOpen() throws {
        let (instance, guest) = try mounted()
        defer { guest.stop(); instance.stop() }
        #expect(instance.sh("printf 42 | dd of=\"$M/libtest/knob\" bs=1").status == 0)
        #expect(guest.sets == 1 && guest.knobValue == 42, "sets \(guest.sets), knob \(guest.knobValue)")
        #expect(instance.sh("printf 43 > \"$M/libtest/knob\"").status == 0)
        #expect(guest.sets == 2 && guest.knobValue == 43)
        #expect(instance.sh("echo 7 > \"$M/libtest/knob\"").status == 0)
        #expect(guest.sets == 3 && guest.knobValue == 7)
        #expect(instance.sh("printf '5\\n' | dd of=\"$M/libtest/knob\" bs=1").status == 0)
        #expect(guest.sets == 4 && guest.knobValue == 5)
        let second = instance.sh("exec 3>\"$M/libtest/knob\"; printf '8\\n' >&3 && printf '9\\n' >&3")
        #expect(second.stderr.contains("Invalid argument"), "a second value in one open is refused: \(second)")
        #expect(guest.sets == 5 && guest.knobValue == 8)
        #expect(instance.sh(": > \"$M/libtest/knob\"").status == 0, "an open that writes nothing sets nothing")
        #expect(guest.sets == 5)
    }

    @Test("two lines in one write() are EINVAL as two writes are: the setter is never called")
    func twoLinesInOneWrite() throws {
        let (instance, guest) = try mounted()
        defer { guest.stop(); instance.stop() }
        // As found: one os.write() holding both lines, which once set the value to "x\ny"; and
        // the same without the last newline, which would have been set at close.
        for bytes in ["x\\ny\\n", "x\\ny"] {
            let script =
                "import os; fd = os.open(os.environ['M'] + '/libtest/label', os.O_WRONLY)\n"
                + "try:\n    os.write(fd, b'\(bytes)'); print('written')\nexcept OSError as e:\n    print(e.errno)\n"
                + "try:\n    os.close(fd); print('closed')\nexcept OSError as e:\n    print(e.errno)"
            let python = Shell.run(["/usr/bin/python3", "-c", script], environment: ["M": instance.mountpoint])
            #expect(python.stdout == "\(EINVAL)\nclosed\n", "\(bytes): \(python)")
        }
        #expect(guest.sets == 0)
        #expect(instance.read("libtest/label") == "hostile\n")
    }

    @Test("an over-long string is refused with EFBIG before anything reaches the guest")
    func overLong() throws {
        let (instance, guest) = try mounted()
        defer { guest.stop(); instance.stop() }
        // The guest announced max_string 1024.
        let long = instance.sh("head -c 1500 /dev/zero | tr '\\0' a | dd of=\"$M/libtest/label\" bs=1000")
        #expect(long.status != 0 && long.stderr.contains("File too large"), "\(long)")
        let huge = instance.sh("head -c 5000 /dev/zero | tr '\\0' a > \"$M/libtest/label\"")
        #expect(huge.status != 0 && huge.stderr.contains("File too large"), "\(huge)")
        #expect(guest.sets == 0)
        #expect(instance.read("libtest/label") == "hostile\n")
        let longest = instance.sh("head -c 1024 /dev/zero | tr '\\0' b > \"$M/libtest/label\"")
        #expect(longest.status == 0, "\(longest)")
        #expect(guest.sets == 1 && instance.read("libtest/label").count == 1025)
    }
}
