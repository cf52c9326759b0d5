/* Signals become bytes on a self-pipe that the loop watches, so handlers do nothing
 * but write(2) and all the work happens in the loop. */
#ifndef FLINKTOP_SIGNALS_H
#define FLINKTOP_SIGNALS_H

enum sig_flag {
    SIG_FLAG_WINCH = 1 << 0,
    SIG_FLAG_HUP = 1 << 1,
    SIG_FLAG_TERM = 1 << 2, /* SIGTERM or SIGINT */
};

/* Install handlers for SIGWINCH, SIGHUP, SIGTERM, SIGINT (and ignore SIGPIPE).
 * Returns the read end of the pipe to watch, or -1. */
int signals_init(void);
/* Drain the pipe; returns enum sig_flag bits of what arrived. */
unsigned signals_read(int fd);

#endif
