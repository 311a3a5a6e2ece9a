/*
 * The host build's transport: a stream socket's file descriptor. The
 * Unikraft library has no such transport (poll, socket and accept do not
 * link in a nolibc image); the host binary serves its Unix socket with it.
 */
#ifndef UA_HOST_TRANSPORT_FD_H
#define UA_HOST_TRANSPORT_FD_H

#include "agent.h"

struct ua_fd {
	int fd;
};

/* Points io at f: reads wait in poll(), so an idle link costs nothing. */
void ua_fd_io(struct ua_io *io, struct ua_fd *f);
/* A listening Unix stream socket at path (an old one there is replaced).
 * Returns the fd or a negative errno. */
int ua_fd_listen_unix(const char *path);
/* Waits for a connection, checking *stop every 100 ms. Returns the fd,
 * -EINTR when stopped, or another negative errno. */
int ua_fd_accept(int lfd, volatile const int *stop);

#endif /* UA_HOST_TRANSPORT_FD_H */
