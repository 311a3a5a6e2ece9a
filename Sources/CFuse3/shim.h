#ifndef UKFS_CFUSE3_SHIM_H
#define UKFS_CFUSE3_SHIM_H

/* The low-level API as of libfuse 3.12; Debian 12 ships 3.14. */
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <fuse_opt.h>
#include <sys/stat.h>
#include <errno.h>

/* Swift cannot import function-like macros: these wrap the ones we call. */
static inline int ukfs_fuse_session_loop_mt(struct fuse_session *se, struct fuse_loop_config *config) {
    return fuse_session_loop_mt(se, config);
}

static inline struct fuse_session *ukfs_fuse_session_new(struct fuse_args *args,
        const struct fuse_lowlevel_ops *op, size_t op_size, void *userdata) {
    return fuse_session_new(args, op, op_size, userdata);
}

#endif
