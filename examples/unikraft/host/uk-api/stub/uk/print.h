/* STUB (not upstream): uk_pr_* are printf-style macros over uk_printk(). */
#ifndef __UKDEBUG_PRINT_H__
#define __UKDEBUG_PRINT_H__
void uk_printk(int lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define uk_pr_info(fmt, ...) uk_printk(3, (fmt), ##__VA_ARGS__)
#define uk_pr_err(fmt, ...)  uk_printk(1, (fmt), ##__VA_ARGS__)
#endif
