/* Test double of <uk/list.h>: the doubly linked list ukstore chains objects
 * and entries with (same layout: next, prev). */
#ifndef __UK_LIST_H__
#define __UK_LIST_H__
struct uk_list_head {
	struct uk_list_head *next, *prev;
};
#define UK_INIT_LIST_HEAD(h) do { (h)->next = (h); (h)->prev = (h); } while (0)
static inline void uk_list_add(struct uk_list_head *n, struct uk_list_head *h)
{
	n->next = h->next;
	n->prev = h;
	h->next->prev = n;
	h->next = n;
}
static inline void uk_list_del(struct uk_list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = e->prev = 0;
}
#endif
