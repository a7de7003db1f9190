// Signal handlers must be async-signal-safe: they only write a byte, restore termios and re-raise.
// That is easier to guarantee in C than in Swift, whose closures cannot be handlers with state.
#include "terminal_signals.h"

#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int signal_fd = -1;
static struct sigaction previous_winch;

static void on_signal(int number) {
    char byte = number == SIGWINCH ? 'W' : 'Q';
    if (signal_fd >= 0) {
        ssize_t ignored = write(signal_fd, &byte, 1);
        (void)ignored;
    }
    if (number == SIGWINCH && previous_winch.sa_handler != SIG_DFL && previous_winch.sa_handler != SIG_IGN
        && previous_winch.sa_handler != NULL) {
        previous_winch.sa_handler(number);
    }
}

void mowai_watch_signals(int fd) {
    signal_fd = fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGWINCH, &action, &previous_winch);
}

static struct termios saved_modes;
static int has_saved_modes = 0;
static struct sigaction previous_fatal[NSIG];

static void on_fatal(int number) {
    if (has_saved_modes) tcsetattr(0, TCSANOW, &saved_modes);
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1006l\033[0m\033[?25h\033[?1049l\r\n";
    ssize_t ignored = write(1, reset, sizeof reset - 1);
    (void)ignored;
    sigaction(number, &previous_fatal[number], NULL);
    raise(number);
}

void mowai_guard_terminal(void) {
    if (tcgetattr(0, &saved_modes) == 0) has_saved_modes = 1;
    const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE, SIGQUIT };
    for (unsigned i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = on_fatal;
        sigaction(fatal[i], &action, &previous_fatal[fatal[i]]);
    }
}
