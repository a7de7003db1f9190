#ifndef MOWAI_TERMINAL_SIGNALS_H
#define MOWAI_TERMINAL_SIGNALS_H

/* Signals become one byte on `fd` ('Q' for SIGTERM, SIGHUP, SIGINT; 'W' for SIGWINCH, which is also
 * passed on to the handler ncurses installed). */
void mowai_watch_signals(int fd);

/* Saves the terminal's modes now; on a crash (SIGSEGV, SIGABRT, a Swift trap…) restores them and
 * leaves the alternate screen before the previous handler runs. */
void mowai_guard_terminal(void);

#endif
