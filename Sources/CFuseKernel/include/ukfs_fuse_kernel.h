#ifndef UKFS_FUSE_KERNEL_H
#define UKFS_FUSE_KERNEL_H

/*
 * What the kernel's FUSE protocol offers beyond libfuse 3.14: passthrough (protocol 7.40, Linux
 * 6.9). libfuse 3.14 neither negotiates it nor lets an OPEN reply name a backing file, and
 * Debian's <linux/fuse.h> stops at protocol 7.38, so the few parts we use are declared in
 * passthrough.c in our own words. libfuse keeps doing everything else: mounting (fusermount3 for
 * ordinary users), parsing requests, the worker threads; we only see its reads and writes of
 * /dev/fuse through fuse_session_custom_io().
 */

#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 312
#endif
#include <fuse_lowlevel.h>
#include <stdint.h>

/* What came of the passthrough negotiation at INIT. */
enum ukfs_passthrough_negotiation {
    UKFS_PASSTHROUGH_PENDING = 0,     /* INIT not seen yet */
    UKFS_PASSTHROUGH_NOT_OFFERED = 1, /* the kernel's INIT did not offer it */
    UKFS_PASSTHROUGH_ON = 2,          /* asked for and offered: the INIT reply enabled it */
};

/*
 * Routes the session's /dev/fuse reads and writes through our hooks, which turn passthrough on in
 * the INIT reply when the kernel offers it. Call after fuse_session_mount() and before the loop.
 * Returns 0, or a negative errno from libfuse.
 */
int ukfs_passthrough_install(struct fuse_session *se);

/* UKFS_PASSTHROUGH_*: what the INIT exchange decided (PENDING until it happened). */
int ukfs_passthrough_negotiation(void);

/*
 * Registers `fd` (a regular file opened for reading) with the FUSE connection behind `devfd` as a
 * backing file: returns its backing id (>= 0) or a negative errno (EPERM without CAP_SYS_ADMIN).
 */
int ukfs_backing_open(int devfd, int fd);

/* A new, empty memory file (memfd, close-on-exec) to serve as a backing file; -errno on failure. */
int ukfs_memory_file(void);

/* Unregisters a backing id; opens already served from it keep their file. 0 or a negative errno. */
int ukfs_backing_close(int devfd, int backing_id);

/*
 * fuse_reply_open() whose reply hands the kernel `backing_id`: the open's reads and their end of
 * file are served by the kernel from that file, and never reach the daemon. `fi->direct_io` is
 * ignored (it would override passthrough). Returns fuse_reply_open()'s result: 0 when the kernel
 * took the reply, a negative errno when it did not (-ENOENT: the open was interrupted), in which
 * case no RELEASE will follow.
 */
int ukfs_reply_open_passthrough(fuse_req_t req, struct fuse_file_info *fi, int backing_id);

#endif
