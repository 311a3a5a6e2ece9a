import Foundation
import Testing

/// Extended attributes through a real mount, as `getfattr` and listxattr(2) see them.
@Suite("Extended attributes")
struct MetadataTests {
    @Test("getfattr -d shows an entry's type, id and access", arguments: Backend.allCases)
    func entryAttributes(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        let rx = guest.sh("cd \"$M\" && getfattr -d --absolute-names net/eth0/rx_bytes")
        #expect(rx.status == 0, "\(rx)")
        #expect(
            rx.stdout == "# file: net/eth0/rx_bytes\nuser.ukstore.access=\"r-\"\nuser.ukstore.id=\"0x10\"\nuser.ukstore.type=\"u64\"\n\n",
            "\(rx)")
        let level = guest.sh(
            "getfattr --only-values -n user.ukstore.access \"$M/print/console_lvl\"; echo; getfattr --only-values -n user.ukstore.type \"$M/print/console_lvl\""
        )
        #expect(level.stdout == "rw\nu8", "\(level)")
    }

    @Test("listxattr lists the three names; directories carry their id; unknown names and writes fail", arguments: Backend.allCases)
    func listAndRefuse(backend: Backend) throws {
        let guest = try Instance(backend).mount()
        defer { guest.stop() }
        let listed = guest.sh("python3 -c 'import os,sys; print(\" \".join(os.listxattr(sys.argv[1])))' \"$M/libukalloc/cur_mem_free\"")
        #expect(listed.stdout == "user.ukstore.type user.ukstore.id user.ukstore.access\n", "\(listed)")
        #expect(guest.sh("getfattr --only-values -n user.ukstore.id \"$M/libuksched/cpu1\"").stdout == "1")
        let missing = guest.sh("getfattr -n user.other \"$M/libukalloc/cur_mem_free\"")
        #expect(missing.status != 0 && missing.stderr.contains("No such attribute"), "\(missing)")
        let write = guest.sh("setfattr -n user.ukstore.type -v u8 \"$M/libukalloc/cur_mem_free\"")
        #expect(write.status != 0, "\(write)")
        #expect(guest.sh("getfattr --only-values -n user.ukstore.type \"$M/libukalloc/cur_mem_free\"").stdout == "u64")
    }
}
