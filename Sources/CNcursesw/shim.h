#ifndef MOWAI_CNCURSESW_SHIM_H
#define MOWAI_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE, so ask for the wide-character API explicitly.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Globals and macros Swift 6 cannot import (not concurrency-safe, or function-like).
static inline WINDOW *mowai_stdscr(void) { return stdscr; }
static inline int mowai_lines(void) { return LINES; }
static inline int mowai_cols(void) { return COLS; }
static inline int mowai_colors(void) { return COLORS; }
static inline int mowai_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t mowai_a_normal(void) { return A_NORMAL; }
static inline attr_t mowai_a_bold(void) { return A_BOLD; }
static inline attr_t mowai_a_dim(void) { return A_DIM; }
static inline attr_t mowai_a_reverse(void) { return A_REVERSE; }
static inline attr_t mowai_a_underline(void) { return A_UNDERLINE; }
static inline attr_t mowai_a_italic(void) { return A_ITALIC; }
static inline attr_t mowai_color_pair(int pair) { return COLOR_PAIR(pair); }
static inline void mowai_getmaxyx(WINDOW *w, int *rows, int *cols) { int y, x; getmaxyx(w, y, x); *rows = y; *cols = x; }
static inline int mowai_key_resize(void) { return KEY_RESIZE; }
static inline int mowai_key_mouse(void) { return KEY_MOUSE; }
// glibc's display width of one code point: -1 for non-printable, 0 for combining, 2 for wide.
static inline int mowai_wcwidth(unsigned int cp) { return wcwidth((wchar_t)cp); }
#endif
