/* The `:` command line as a pure editor: state + key -> result, no curses drawing and no
 * knowledge of what a command does (ui.c runs them and draws the line). One line of
 * UTF-8 with a cursor, Left/Right/Home/End, Backspace/Delete, Ctrl-U (to the start),
 * Ctrl-W (a word), history on Up/Down (in memory, deduplicated, the last 50), and Tab
 * completion: of the command name first, then of its argument from a word source.
 * Esc cancels, Enter runs. The cursor never stops inside a character. */
#ifndef FLINKTOP_CMDLINE_H
#define FLINKTOP_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX 256    /* bytes of one line, NUL included */
#define CMDLINE_HISTORY 50 /* lines remembered */
#define CMDLINE_HINT 160   /* bytes of the completion hint */

enum cmdline_result {
    CMDLINE_EDITING, /* keep the line open (and redraw it) */
    CMDLINE_CANCEL,  /* Esc, or Backspace on an empty line: close, run nothing */
    CMDLINE_RUN,     /* Enter: run cmdline.text (already in the history) */
};

/* Where Tab finds the arguments of a command: the words for verb ("cluster", "job",
 * "theme", "ctx", "ns"). *out is a borrowed array of borrowed strings, valid until the
 * next call; returns how many. */
struct cmdline_words {
    void *arg;
    size_t (*words)(void *arg, const char *verb, const char *const **out);
};

struct cmdline {
    char text[CMDLINE_MAX];         /* the line, without the ':' */
    size_t len;                     /* bytes in text */
    size_t cur;                     /* cursor: byte offset, on a character boundary */
    char hint[CMDLINE_HINT];        /* what Tab found when it found several, else "" */
    char *history[CMDLINE_HISTORY]; /* owned, oldest first */
    size_t n_history;
    size_t hist_pos;              /* n_history: the line being typed */
    char draft[CMDLINE_MAX];      /* that line while Up shows older ones */
    int cycle;                    /* next candidate on a repeated Tab, -1: not cycling */
    size_t cycle_from;            /* where the word being completed starts in text */
    char cycle_word[CMDLINE_MAX]; /* that word as typed, before Tab */
};

void cmdline_init(struct cmdline *c);
void cmdline_free(struct cmdline *c); /* the history */
/* A fresh empty line (the history stays). */
void cmdline_open(struct cmdline *c);
/* One key as wget_wch returns it (is_char: a character, else a KEY_* code). words may
 * be NULL (no argument completion). */
enum cmdline_result cmdline_key(struct cmdline *c, int key, bool is_char,
                                const struct cmdline_words *words);
/* Put line at the end of the history (not when empty; an older copy goes). */
void cmdline_history_add(struct cmdline *c, const char *line);

/* The command names Tab completes first ("ctx", "ns", "cluster", ...); static. */
const char *const *cmdline_commands(size_t *n);
/* Split a line into its verb ("job"; a leading ':' and blanks skipped) and argument (the
 * rest, blanks around it trimmed, inner ones kept: job names have spaces). */
void cmdline_parse(const char *line, char *verb, size_t vsize, char *arg, size_t asize);

#endif
