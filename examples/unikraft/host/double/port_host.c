/* The agent's port (lib/ukstoreagent/port.h) on a POSIX host. */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "port.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

uint64_t ua_port_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void ua_port_lock(void)
{
	pthread_mutex_lock(&lock);
}

void ua_port_unlock(void)
{
	pthread_mutex_unlock(&lock);
}

void ua_port_boot_id(uint8_t out[8])
{
	int fd = open("/dev/urandom", O_RDONLY);
	uint64_t x = 0;

	if (fd < 0 || read(fd, &x, sizeof(x)) != (ssize_t)sizeof(x))
		x = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ ua_port_now_ms();
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(x >> (8 * i));
}
