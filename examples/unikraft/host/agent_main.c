/*
 * ukstore-agent-host: the guest agent, built from the same sources as the
 * Unikraft library, serving the simulated store of the ukstore double on a
 * Unix socket. One connection at a time; the store (objects, generation)
 * outlives connections, as a guest's does. SIGTERM/SIGINT: exit, remove the
 * socket.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "catalog.h"
#include "port.h"
#include "sim.h"
#include <uk/store.h>
#include "transport_fd.h"

static volatile sig_atomic_t stop_sig;
static volatile int stop;
static struct ua_agent agent; /* large: keep it off the stack */

static void on_signal(int s)
{
	stop_sig = s;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: ukstore-agent-host --socket PATH [--name NAME] [--libraries LIB,...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *name = "";
	struct sigaction sa;
	struct ua_fd conn;
	struct ua_io io;
	uint8_t boot[8];
	int lfd;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			path = argv[++i];
		else if (!strcmp(argv[i], "--name") && i + 1 < argc)
			name = argv[++i];
		else if (!strcmp(argv[i], "--libraries") && i + 1 < argc)
			dbl_store_only(argv[++i]); /* e.g. libukalloc,libuknetdev: a 0.17 image */
		else
			usage();
	}
	if (!path)
		usage();
	if (strlen(name) > 255) {
		fprintf(stderr, "ukstore-agent-host: --name is longer than 255 bytes\n");
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN); /* a host that went away is seen by write() */

	dbl_sim_init();
	ua_catalog_start();
	lfd = ua_fd_listen_unix(path);
	if (lfd < 0) {
		fprintf(stderr, "ukstore-agent-host: cannot listen on %s: %s\n",
			path, strerror(-lfd));
		return 1;
	}
	ua_port_boot_id(boot);
	ua_fd_io(&io, &conn);
	ua_agent_init(&agent, &io, name, boot);
	fprintf(stderr, "ukstore-agent-host: listening on %s\n", path);

	while (!stop) {
		int fd = ua_fd_accept(lfd, &stop);

		if (fd < 0) {
			if (fd != -EINTR)
				fprintf(stderr, "ukstore-agent-host: accept: %s\n",
					strerror(-fd));
			break;
		}
		conn.fd = fd;
		ua_agent_new_link(&agent);
		ua_agent_serve(&agent, 50, &stop);
		close(fd);
	}
	close(lfd);
	unlink(path);
	return 0;
}
