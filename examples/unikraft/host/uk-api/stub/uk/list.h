/* STUB (not upstream): struct uk_list_head as in uk/list.h. */
#ifndef __UK_LIST_H__
#define __UK_LIST_H__
struct uk_list_head { struct uk_list_head *next, *prev; };
#endif
