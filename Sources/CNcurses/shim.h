#ifndef UKFS_CNCURSES_SHIM_H
#define UKFS_CNCURSES_SHIM_H

/* ncurses with wide characters (Debian's libncurses-dev): instance and entry names are UTF-8. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncursesw/curses.h>
#include <locale.h>

/*
 * Swift cannot import ncurses's macros (A_BOLD, COLOR_PAIR, getmaxyx), and Swift 6 refuses its
 * mutable globals (stdscr) as shared state: these wrap the ones ukfs top uses.
 */
static inline WINDOW *ukfs_curses_screen(void) { return stdscr; }
static inline int ukfs_curses_lines(void) { return getmaxy(stdscr); }
static inline int ukfs_curses_columns(void) { return getmaxx(stdscr); }
static inline int ukfs_curses_bold(void) { return (int)A_BOLD; }
static inline int ukfs_curses_reverse(void) { return (int)A_REVERSE; }
static inline int ukfs_curses_dim(void) { return (int)A_DIM; }

#endif
