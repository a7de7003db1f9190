#ifndef MOWAI_CNCURSESW_SHIM_H
#define MOWAI_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE, so ask for the wide-character API explicitly.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <stdio.h>
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
static inline mmask_t mowai_button1_clicked(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED; }
static inline mmask_t mowai_button1_any(mmask_t state) { return state & (BUTTON1_CLICKED | BUTTON1_PRESSED); }
/* Draws one cell: up to CCHARW_MAX scalars (a base character and its combining marks). */
static inline int mowai_put_cell(int row, int column, const wchar_t *scalars, attr_t attributes, int pair) {
    cchar_t cell;
    if (setcchar(&cell, scalars, attributes, (NCURSES_PAIRS_T)pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, row, column, &cell);
}
// glibc's display width of one code point: -1 for non-printable, 0 for combining, 2 for wide.
static inline int mowai_wcwidth(unsigned int cp) { return wcwidth((wchar_t)cp); }

/* initscr() exits the process on an unknown $TERM; newterm() returns NULL so we can say what to do. */
static inline int mowai_start_screen(void) {
    SCREEN *screen = newterm(NULL, stdout, stdin);
    if (screen == NULL) return -1;
    set_term(screen);
    return 0;
}

#endif
