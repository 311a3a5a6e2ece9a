#define _GNU_SOURCE
#include "ukfs_fuse_kernel.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

/*
 * The protocol's facts we rely on, from the kernel's fuse.h (protocol 7.40+), written here since
 * Debian's headers predate them:
 * - every request starts with a 40-byte header: len u32, opcode u32, unique u64, nodeid u64,
 *   uid, gid, pid u32, total_extlen u16, padding u16; every reply with a 16-byte one: len u32,
 *   error i32, unique u64.
 * - INIT (opcode 26) carries major, minor, max_readahead, flags, flags2 (u32 each); flags2 is
 *   valid when flags has INIT_EXT (bit 30). flags2 bit 5 (1 << 37 overall) is PASSTHROUGH.
 * - INIT's reply: major, minor, max_readahead, flags (u32 at 12), max_background and
 *   congestion_threshold (u16), max_write, time_gran (u32), max_pages, map_alignment (u16),
 *   flags2 (u32 at 32), max_stack_depth (u32 at 36, the first of the words 7.38 calls unused).
 *   The kernel turns passthrough on when flags2 has PASSTHROUGH and 0 < max_stack_depth <= 2.
 * - OPEN's reply: fh u64, open_flags u32, backing_id i32 (the old padding). open_flags bit 7 is
 *   FOPEN_PASSTHROUGH; bit 0, FOPEN_DIRECT_IO, would override it for reads, so it is cleared.
 * - ioctls on /dev/fuse, type 229: BACKING_OPEN = _IOW(229, 1, {i32 fd; u32 flags; u64 padding})
 *   returns the id; BACKING_CLOSE = _IOW(229, 2, u32).
 */
enum {
    IN_HEADER_SIZE = 40,
    OUT_HEADER_SIZE = 16,
    OPCODE_INIT = 26,
    INIT_EXT = 1u << 30,
    FLAGS2_PASSTHROUGH = 1u << 5,
    INIT_OUT_FLAGS = 12,
    INIT_OUT_FLAGS2 = 32,
    INIT_OUT_MAX_STACK_DEPTH = 36,
    OPEN_OUT_SIZE = 16,
    OPEN_OUT_FLAGS = 8,
    OPEN_OUT_BACKING_ID = 12,
    FOPEN_DIRECT_IO_BIT = 1u << 0,
    FOPEN_PASSTHROUGH_BIT = 1u << 7,
};

struct backing_map {
    int32_t fd;
    uint32_t flags;
    uint64_t padding;
};

#define IOCTL_BACKING_OPEN _IOW(229, 1, struct backing_map)
#define IOCTL_BACKING_CLOSE _IOW(229, 2, uint32_t)

/* One FUSE session per process (a single mount, or one `--all` mount). */
static atomic_int negotiation = UKFS_PASSTHROUGH_PENDING;
static _Atomic uint64_t init_unique;
static atomic_bool init_offered;

/* Set only while ukfs_reply_open_passthrough() runs fuse_reply_open() on this thread, which
 * writes the reply synchronously through write_hook on the same thread. */
static _Thread_local int pending_backing_id = -1;

static uint32_t load32(const unsigned char *p) {
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void store32(unsigned char *p, uint32_t v) {
    memcpy(p, &v, sizeof v);
}

static uint64_t load64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static ssize_t read_hook(int fd, void *buf, size_t len, void *userdata) {
    (void)userdata;
    ssize_t n = read(fd, buf, len);
    /* Only INIT is looked at, and only until it has been answered. */
    if (n >= IN_HEADER_SIZE + 20 && atomic_load_explicit(&negotiation, memory_order_relaxed) == UKFS_PASSTHROUGH_PENDING) {
        const unsigned char *in = buf;
        if (load32(in + 4) == OPCODE_INIT) {
            uint32_t flags = load32(in + IN_HEADER_SIZE + 12);
            uint32_t flags2 = load32(in + IN_HEADER_SIZE + 16);
            atomic_store(&init_offered, (flags & INIT_EXT) && (flags2 & FLAGS2_PASSTHROUGH));
            atomic_store(&init_unique, load64(in + 8));
        }
    }
    return n;
}

/* Writes `iov` with iov[1] replaced by `payload` (a patched copy of it). */
static ssize_t write_patched(int fd, const struct iovec iov[2], unsigned char *payload) {
    struct iovec copy[2] = {iov[0], {.iov_base = payload, .iov_len = iov[1].iov_len}};
    return writev(fd, copy, 2);
}

static ssize_t write_hook(int fd, struct iovec *iov, int count, void *userdata) {
    (void)userdata;
    if (count == 2 && iov[0].iov_len == OUT_HEADER_SIZE) {
        const unsigned char *out = iov[0].iov_base;
        int32_t error;
        memcpy(&error, out + 4, sizeof error);
        if (pending_backing_id >= 0 && error == 0 && iov[1].iov_len == OPEN_OUT_SIZE) {
            unsigned char open_out[OPEN_OUT_SIZE];
            memcpy(open_out, iov[1].iov_base, sizeof open_out);
            uint32_t flags = load32(open_out + OPEN_OUT_FLAGS);
            store32(open_out + OPEN_OUT_FLAGS, (flags & ~FOPEN_DIRECT_IO_BIT) | FOPEN_PASSTHROUGH_BIT);
            store32(open_out + OPEN_OUT_BACKING_ID, (uint32_t)pending_backing_id);
            return write_patched(fd, iov, open_out);
        }
        if (atomic_load_explicit(&negotiation, memory_order_relaxed) == UKFS_PASSTHROUGH_PENDING
            && atomic_load(&init_unique) != 0 && load64(out + 8) == atomic_load(&init_unique) && error == 0) {
            if (!atomic_load(&init_offered) || iov[1].iov_len < INIT_OUT_MAX_STACK_DEPTH + 4) {
                atomic_store(&negotiation, UKFS_PASSTHROUGH_NOT_OFFERED);
                return writev(fd, iov, count);
            }
            unsigned char init_out[256];
            if (iov[1].iov_len > sizeof init_out) {
                atomic_store(&negotiation, UKFS_PASSTHROUGH_NOT_OFFERED);
                return writev(fd, iov, count);
            }
            memcpy(init_out, iov[1].iov_base, iov[1].iov_len);
            store32(init_out + INIT_OUT_FLAGS, load32(init_out + INIT_OUT_FLAGS) | INIT_EXT);
            store32(init_out + INIT_OUT_FLAGS2, load32(init_out + INIT_OUT_FLAGS2) | FLAGS2_PASSTHROUGH);
            /* Our backing files are memory files, on no stacked filesystem: one level is enough. */
            store32(init_out + INIT_OUT_MAX_STACK_DEPTH, 1);
            ssize_t written = write_patched(fd, iov, init_out);
            atomic_store(&negotiation, written < 0 ? UKFS_PASSTHROUGH_NOT_OFFERED : UKFS_PASSTHROUGH_ON);
            return written;
        }
    }
    return writev(fd, iov, count);
}

int ukfs_passthrough_install(struct fuse_session *se) {
    static const struct fuse_custom_io io = {
        .writev = write_hook,
        .read = read_hook,
    };
    atomic_store(&negotiation, UKFS_PASSTHROUGH_PENDING);
    return fuse_session_custom_io(se, &io, fuse_session_fd(se));
}

int ukfs_passthrough_negotiation(void) {
    return atomic_load(&negotiation);
}

int ukfs_backing_open(int devfd, int fd) {
    struct backing_map map = {.fd = fd, .flags = 0, .padding = 0};
    int id = ioctl(devfd, IOCTL_BACKING_OPEN, &map);
    return id < 0 ? -errno : id;
}

int ukfs_memory_file(void) {
    int fd = memfd_create("ukfs-value", MFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int ukfs_backing_close(int devfd, int backing_id) {
    uint32_t id = (uint32_t)backing_id;
    return ioctl(devfd, IOCTL_BACKING_CLOSE, &id) < 0 ? -errno : 0;
}

int ukfs_reply_open_passthrough(fuse_req_t req, struct fuse_file_info *fi, int backing_id) {
    fi->direct_io = 0;
    pending_backing_id = backing_id;
    int result = fuse_reply_open(req, fi);
    pending_backing_id = -1;
    return result;
}
