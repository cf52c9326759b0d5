/* A modal box over the screen that asks one question before anything is sent: yes or no
 * (the default is No), the job's name typed out, a value to edit (a parallelism, a
 * directory), or one choice from a list (a savepoint, a profile). The text above the
 * question says what will happen; the caller writes it and keeps no pointer into it.
 *
 * The dialog only edits its own state: dialog_key says whether the user accepted or
 * cancelled, and the caller then reads the answer. No curses besides dialog_draw. */
#ifndef FLINKTOP_DIALOG_H
#define FLINKTOP_DIALOG_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#define DIALOG_INPUT_MAX 512

enum dialog_kind {
    DIALOG_YESNO,  /* y accepts; n, Esc, Enter (the default) cancel */
    DIALOG_TYPED,  /* accepted only when the input equals dialog.expect, then Enter */
    DIALOG_INPUT,  /* a value, prefilled; Enter accepts, Esc cancels */
    DIALOG_CHOOSE, /* one of the choices; Enter accepts the selected one, Esc cancels */
};

enum dialog_result { DIALOG_OPEN, DIALOG_ACCEPTED, DIALOG_CANCELLED };

struct dialog {
    enum dialog_kind kind;
    char *title;  /* owned */
    char **lines; /* owned: the text above the question, one entry a paragraph */
    bool *warn;   /* owned, one a line: drawn in the warning colour */
    size_t n_lines;
    char *question; /* owned: "Take the savepoint?" */
    char *expect;   /* owned, DIALOG_TYPED: what must be typed */
    char **choices; /* owned, DIALOG_CHOOSE */
    size_t n_choices;
    size_t sel;                   /* DIALOG_CHOOSE: the selected choice */
    char input[DIALOG_INPUT_MAX]; /* DIALOG_TYPED / DIALOG_INPUT: what is typed, UTF-8 */
    char hint[160];               /* a line under the question: why Enter did nothing */
    int scroll;                   /* first text line shown when the text is taller than the box */
};

/* Start a dialog of kind with a title and a question (copied). */
void dialog_init(struct dialog *d, enum dialog_kind kind, const char *title, const char *question);
void dialog_free(struct dialog *d);
/* Add a paragraph of text (copied; '\n' breaks lines, long lines wrap). */
void dialog_add_line(struct dialog *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, drawn in the warning colour (what to read twice). */
void dialog_add_warning(struct dialog *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dialog_add_choice(struct dialog *d, const char *choice);
void dialog_set_input(struct dialog *d, const char *text);
void dialog_set_expect(struct dialog *d, const char *text);

/* One key as wget_wch returns it (is_char: a character, else a KEY_* code). */
enum dialog_result dialog_key(struct dialog *d, int key, bool is_char);

/* The box, centred in win (h rows, w cells), over whatever is drawn there. Text taller
 * than the box scrolls (Up/Down, PgUp/PgDn) and says that it continues; so does a list
 * of choices longer than its rows. */
void dialog_draw(struct dialog *d, WINDOW *win, int h, int w, bool ascii);

#endif
