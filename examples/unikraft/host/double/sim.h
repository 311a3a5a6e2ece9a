/* The simulated store of docs/simulated-store.md, built on the ukstore
 * double: producers for libukalloc, libukfalloc, libuknetdev, libukprint,
 * libuksched and appsim. */
#ifndef DBL_SIM_H
#define DBL_SIM_H
#include <stdint.h>
/* Creates the boot objects (falloc0, cpu0, cpu1, netdev0); the clock of the
 * moving values starts here. */
void dbl_sim_init(void);
/* Milliseconds since dbl_sim_init(). */
uint64_t dbl_sim_uptime_ms(void);
#endif
