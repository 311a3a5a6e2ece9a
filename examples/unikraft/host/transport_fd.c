/* The host build's transport (transport_fd.h): a stream socket's fd. */
#include "transport_fd.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static long fd_read(void *ctx, uint8_t *buf, size_t len, unsigned wait_ms)
{
	struct ua_fd *f = ctx;
	struct pollfd p = { f->fd, POLLIN, 0 };
	ssize_t n;
	int r = poll(&p, 1, (int)wait_ms);

	if (r == 0 || (r < 0 && errno == EINTR))
		return 0;
	if (r < 0)
		return -errno;
	n = read(f->fd, buf, len);
	if (n > 0)
		return (long)n;
	if (n == 0)
		return -EPIPE; /* the peer closed */
	return (errno == EINTR || errno == EAGAIN) ? 0 : -errno;
}

static int fd_write(void *ctx, const uint8_t *buf, size_t len)
{
	struct ua_fd *f = ctx;

	while (len) {
		ssize_t n = write(f->fd, buf, len);

		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			struct pollfd p = { f->fd, POLLOUT, 0 };

			if (poll(&p, 1, 1000) <= 0)
				return -EIO; /* a peer that reads nothing */
		} else {
			return n < 0 ? -errno : -EIO;
		}
	}
	return 0;
}

void ua_fd_io(struct ua_io *io, struct ua_fd *f)
{
	io->ctx = f;
	io->read = fd_read;
	io->write = fd_write;
}

static int listen_on(int fd, const struct sockaddr *sa, socklen_t len)
{
	int one = 1;

	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, len) < 0 || listen(fd, 1) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

int ua_fd_listen_unix(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	unlink(path);
	return listen_on(fd, (struct sockaddr *)&sa, sizeof(sa));
}

int ua_fd_accept(int lfd, volatile const int *stop)
{
	while (!(stop && *stop)) {
		struct pollfd p = { lfd, POLLIN, 0 };
		int r = poll(&p, 1, 100), fd;

		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		fd = accept(lfd, NULL, NULL);
		if (fd >= 0)
			return fd;
		if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
			return -errno;
	}
	return -EINTR;
}
