/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Brings up the first NIC without a network stack. uknetdev creates a
 * device's statistics object (netdev<N>, with CONFIG_LIBUKNETDEV_STATS) only
 * when the device is configured, which is normally lwip's job; this image
 * has no lwip, so the demo configures the device itself and makes a little
 * traffic: an ARP request per call, whose answer grows rx_bytes.
 */
#include "nic.h"

#include <errno.h>
#include <string.h>

#include <uk/alloc.h>
#include <uk/config.h>
#include <uk/netbuf.h>
#include <uk/netdev.h>
#include <uk/print.h>
#include <uk/sched.h>

#define BUF_LEN   2048
#define ARP_LEN   60 /* Ethernet minimum, without FCS */
#define RX_BUDGET 64 /* packets taken per call, so a flood cannot hold us */

static struct uk_netdev *dev;
static struct uk_netdev_info info;
static struct uk_alloc *alloc;

/* QEMU user networking: the guest is 10.0.2.15, the gateway 10.0.2.2. */
static const uint8_t own_ip[4] = { 10, 0, 2, 15 };
static const uint8_t gateway_ip[4] = { 10, 0, 2, 2 };

static struct uk_netbuf *buffer(uint16_t headroom)
{
	return uk_netbuf_alloc_buf(alloc, BUF_LEN, info.ioalign, headroom, 0,
				   NULL);
}

/* The driver fills these: the whole buffer past its header room. */
static uint16_t alloc_rx(void *argp, struct uk_netbuf *pkts[], uint16_t count)
{
	uint16_t i;

	(void)argp;
	for (i = 0; i < count; i++) {
		pkts[i] = buffer(info.nb_encap_rx);
		if (!pkts[i])
			break;
		pkts[i]->len = (uint16_t)(pkts[i]->buflen - info.nb_encap_rx);
	}
	return i;
}

int nic_start(void)
{
	struct uk_netdev_conf conf = { .nb_rx_queues = 1, .nb_tx_queues = 1 };
	struct uk_netdev_rxqueue_conf rxq = { 0 };
	struct uk_netdev_txqueue_conf txq = { 0 };
	int rc;

	if (uk_netdev_count() == 0)
		return -ENODEV;
	dev = uk_netdev_get(0);
	alloc = uk_alloc_get_default();
	if (!dev || !alloc)
		return -ENODEV;
	rc = uk_netdev_probe(dev);
	if (rc < 0)
		return rc;
	uk_netdev_info_get(dev, &info);
	rc = uk_netdev_configure(dev, &conf);
	if (rc < 0)
		return rc;
	rxq.a = alloc;
	rxq.alloc_rxpkts = alloc_rx;
#ifdef CONFIG_LIBUKNETDEV_DISPATCHERTHREADS
	rxq.s = uk_sched_current();
#endif
	rc = uk_netdev_rxq_configure(dev, 0, 0, &rxq);
	if (rc < 0)
		return rc;
	txq.a = alloc;
	rc = uk_netdev_txq_configure(dev, 0, 0, &txq);
	if (rc < 0)
		return rc;
	return uk_netdev_start(dev);
}

static void arp_request(uint8_t *p, const uint8_t mac[6])
{
	memset(p, 0, ARP_LEN);
	memset(p, 0xff, 6);           /* to everyone */
	memcpy(p + 6, mac, 6);
	p[12] = 0x08; p[13] = 0x06;   /* ARP */
	p[15] = 0x01;                 /* hardware: Ethernet */
	p[16] = 0x08;                 /* protocol: IPv4 */
	p[18] = 6; p[19] = 4;         /* address sizes */
	p[21] = 0x01;                 /* request */
	memcpy(p + 22, mac, 6);
	memcpy(p + 28, own_ip, 4);
	memcpy(p + 38, gateway_ip, 4);
}

static void send_arp(void)
{
	const struct uk_hwaddr *mac = uk_netdev_hwaddr_get(dev);
	struct uk_netbuf *nb = buffer(info.nb_encap_tx);
	int rc;

	if (!nb || !mac) {
		if (nb)
			uk_netbuf_free(nb);
		return;
	}
	arp_request(nb->data, mac->addr_bytes);
	nb->len = ARP_LEN;
	rc = uk_netdev_tx_one(dev, 0, nb);
	if (rc < 0 || !(rc & UK_NETDEV_STATUS_SUCCESS))
		uk_netbuf_free(nb); /* not queued: still ours */
}

static void drain_rx(void)
{
	for (int i = 0; i < RX_BUDGET; i++) {
		struct uk_netbuf *nb = NULL;
		int rc = uk_netdev_rx_one(dev, 0, &nb);

		if (rc < 0 || !(rc & UK_NETDEV_STATUS_SUCCESS))
			return;
		uk_netbuf_free(nb); /* counted by uknetdev; nothing to do */
		if (!(rc & UK_NETDEV_STATUS_MORE))
			return;
	}
}

void nic_ping_gateway(void)
{
	if (!dev)
		return;
	drain_rx();
	send_arp();
}
