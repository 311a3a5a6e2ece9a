/* SPDX-License-Identifier: BSD-3-Clause */
/* The demo's network card: just enough of uknetdev to make its ukstore
 * statistics (libuknetdev/netdev0/...) exist and move. */
#ifndef UKSTOREDEMO_NIC_H
#define UKSTOREDEMO_NIC_H

/* Configures and starts netdev 0 in polling mode. Returns 0 or a negative
 * errno (-ENODEV: the image has no NIC). */
int nic_start(void);

/* Sends one ARP request for the gateway (QEMU user networking's 10.0.2.2,
 * which answers it) and takes in whatever has arrived since. */
void nic_ping_gateway(void);

#endif /* UKSTOREDEMO_NIC_H */
