#include "dialog.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "colors.h"
#include "draw.h"
#include "text.h"
#include "wrap.h"
#include "xalloc.h"

#define KEY_ESC 27
#define DIALOG_MAX_W 100

void dialog_init(struct dialog *d, enum dialog_kind kind, const char *title, const char *question) {
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->title = xstrdup(title ? title : "");
    d->question = xstrdup(question ? question : "");
}

static void free_list(char **v, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void dialog_free(struct dialog *d) {
    free(d->title);
    free(d->question);
    free(d->expect);
    free_list(d->lines, d->n_lines);
    free(d->warn);
    free_list(d->choices, d->n_choices);
    memset(d, 0, sizeof *d);
}

static void add_text(struct dialog *d, bool warn, char *s) {
    d->lines = xrealloc(d->lines, (d->n_lines + 1) * sizeof *d->lines);
    d->warn = xrealloc(d->warn, (d->n_lines + 1) * sizeof *d->warn);
    d->warn[d->n_lines] = warn;
    d->lines[d->n_lines++] = s;
}

void dialog_add_line(struct dialog *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    add_text(d, false, s);
}

void dialog_add_warning(struct dialog *d, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    add_text(d, true, s);
}

void dialog_add_choice(struct dialog *d, const char *choice) {
    d->choices = xrealloc(d->choices, (d->n_choices + 1) * sizeof *d->choices);
    d->choices[d->n_choices++] = xstrdup(choice);
}

void dialog_set_input(struct dialog *d, const char *text) {
    snprintf(d->input, sizeof d->input, "%s", text ? text : "");
}

void dialog_set_expect(struct dialog *d, const char *text) {
    free(d->expect);
    d->expect = xstrdup(text ? text : "");
}

static bool is_enter(int key, bool is_char) {
    return (is_char && (key == '\n' || key == '\r')) || (!is_char && key == KEY_ENTER);
}

/* Edit the input line: Backspace (a whole UTF-8 character), Ctrl-U, printable text. */
static void edit(struct dialog *d, int key, bool is_char) {
    size_t len = strlen(d->input);
    if ((!is_char && key == KEY_BACKSPACE) || (is_char && (key == 127 || key == 8))) {
        while (len > 0 && ((unsigned char)d->input[len - 1] & 0xC0) == 0x80)
            len--;
        d->input[len > 0 ? len - 1 : 0] = '\0';
    } else if (is_char && key == 21) { /* Ctrl-U */
        d->input[0] = '\0';
    } else if (is_char && key >= ' ' && wcwidth((wchar_t)key) >= 0) {
        char mb[MB_LEN_MAX];
        mbstate_t st;
        memset(&st, 0, sizeof st);
        size_t n = wcrtomb(mb, (wchar_t)key, &st);
        if (n == (size_t)-1 || len + n >= sizeof d->input)
            return;
        memcpy(d->input + len, mb, n);
        d->input[len + n] = '\0';
    }
    d->hint[0] = '\0';
}

enum dialog_result dialog_key(struct dialog *d, int key, bool is_char) {
    if (!is_char && key == KEY_UP && d->kind != DIALOG_CHOOSE) {
        if (d->scroll > 0)
            d->scroll--;
        return DIALOG_OPEN;
    }
    if (!is_char && key == KEY_DOWN && d->kind != DIALOG_CHOOSE) {
        d->scroll++; /* clamped when drawn */
        return DIALOG_OPEN;
    }
    if (!is_char && key == KEY_PPAGE) { /* the text, in every kind of dialog */
        d->scroll = d->scroll > 5 ? d->scroll - 5 : 0;
        return DIALOG_OPEN;
    }
    if (!is_char && key == KEY_NPAGE) {
        d->scroll += 5;
        return DIALOG_OPEN;
    }
    switch (d->kind) {
    case DIALOG_YESNO:
        if (is_char && (key == 'y' || key == 'Y'))
            return DIALOG_ACCEPTED;
        if ((is_char && (key == 'n' || key == 'N' || key == KEY_ESC || key == 'q')) ||
            is_enter(key, is_char))
            return DIALOG_CANCELLED; /* Enter takes the default, which is No */
        snprintf(d->hint, sizeof d->hint, "y: go ahead   n, Esc or Enter: no");
        return DIALOG_OPEN;
    case DIALOG_TYPED:
    case DIALOG_INPUT:
        if (is_char && key == KEY_ESC)
            return DIALOG_CANCELLED;
        if (is_enter(key, is_char)) {
            if (d->kind == DIALOG_INPUT)
                return DIALOG_ACCEPTED;
            if (d->expect && strcmp(d->input, d->expect) == 0)
                return DIALOG_ACCEPTED;
            snprintf(d->hint, sizeof d->hint, "type \"%s\" exactly to go ahead, Esc to cancel",
                     d->expect ? d->expect : "");
            return DIALOG_OPEN;
        }
        edit(d, key, is_char);
        return DIALOG_OPEN;
    case DIALOG_CHOOSE:
        if (is_char && (key == KEY_ESC || key == 'q'))
            return DIALOG_CANCELLED;
        if (is_enter(key, is_char))
            return d->n_choices ? DIALOG_ACCEPTED : DIALOG_CANCELLED;
        if ((!is_char && key == KEY_UP) || (is_char && key == 'k')) {
            if (d->sel > 0)
                d->sel--;
        } else if ((!is_char && key == KEY_DOWN) || (is_char && key == 'j')) {
            if (d->sel + 1 < d->n_choices)
                d->sel++;
        } else if ((!is_char && key == KEY_HOME) || (is_char && key == 'g')) {
            d->sel = 0;
        } else if ((!is_char && key == KEY_END) || (is_char && key == 'G')) {
            d->sel = d->n_choices ? d->n_choices - 1 : 0;
        }
        return DIALOG_OPEN;
    }
    return DIALOG_OPEN;
}

/* ---- drawing ---------------------------------------------------------------------- */

/* The text's lines at `cells` wide: count only when win is NULL, else drawn from `skip`
 * on, at most `max` of them, at (y, x). */
static int text_lines(const struct dialog *d, WINDOW *win, int y, int x, int cells, int skip,
                      int max, bool ascii) {
    int n = 0, drawn = 0;
    for (size_t i = 0; i < d->n_lines; i++) {
        const char *s = d->lines[i];
        size_t len = strlen(s);
        do {
            const char *nl = memchr(s, '\n', len);
            size_t seg = nl ? (size_t)(nl - s) : len;
            size_t take = seg ? wrap_prefix(s, seg, cells, true, NULL) : 0;
            if (win && n >= skip && drawn < max) {
                char line[1024];
                snprintf(line, sizeof line, "%.*s", (int)take, s);
                draw_text(win, y + drawn, x, cells, line,
                          colors_attr(d->warn && d->warn[i] ? ROLE_STATE_WARN : ROLE_DEFAULT),
                          DRAW_LEFT, ascii);
                drawn++;
            }
            n++;
            if (take == seg && nl) /* the rest of the paragraph starts after the break */
                take++;
            while (take < len && take < seg && s[take] == ' ')
                take++;
            s += take;
            len -= take;
        } while (len > 0);
    }
    return n;
}

void dialog_draw(struct dialog *d, WINDOW *win, int h, int w, bool ascii) {
    int bw = w - 4 < DIALOG_MAX_W ? w - 4 : DIALOG_MAX_W;
    if (bw < 20) /* a narrow terminal: use all of it */
        bw = w;
    int inner = bw - 4;
    if (inner < 8)
        return;
    int text_n = text_lines(d, NULL, 0, 0, inner, 0, 0, ascii);
    int answer_n = d->kind == DIALOG_CHOOSE ? (int)d->n_choices : 1;
    int fixed = 2 /* borders */ + 1 /* question */ + 1 /* hint */ + 1 /* gap */;
    int room = h - 2 - fixed; /* leave a row above and below */
    if (room < 2)
        room = 2;
    int choice_rows = answer_n;
    if (d->kind == DIALOG_CHOOSE && choice_rows > room / 2 + 1)
        choice_rows = room / 2 + 1;
    int text_rows = text_n;
    if (text_rows > room - choice_rows)
        text_rows = room - choice_rows > 1 ? room - choice_rows : 1;
    int bh = fixed + text_rows + choice_rows;
    if (bh > h)
        bh = h;
    int y0 = (h - bh) / 2, x0 = (w - bw) / 2;
    if (d->scroll > text_n - text_rows)
        d->scroll = text_n - text_rows > 0 ? text_n - text_rows : 0;

    attr_t frame = colors_attr(ROLE_HEADER);
    for (int r = 0; r < bh; r++)
        draw_blank(win, y0 + r, x0, bw, colors_attr(ROLE_DEFAULT));
    const char *hz = ascii ? "-" : "\u2500";
    for (int c = 1; c < bw - 1; c++) {
        mvwaddstr(win, y0, x0 + c, hz);
        mvwaddstr(win, y0 + bh - 1, x0 + c, hz);
    }
    for (int r = 1; r < bh - 1; r++) {
        mvwaddstr(win, y0 + r, x0, ascii ? "|" : "\u2502");
        mvwaddstr(win, y0 + r, x0 + bw - 1, ascii ? "|" : "\u2502");
    }
    mvwaddstr(win, y0, x0, ascii ? "+" : "\u250c");
    mvwaddstr(win, y0, x0 + bw - 1, ascii ? "+" : "\u2510");
    mvwaddstr(win, y0 + bh - 1, x0, ascii ? "+" : "\u2514");
    mvwaddstr(win, y0 + bh - 1, x0 + bw - 1, ascii ? "+" : "\u2518");
    mvwchgat(win, y0, x0, bw, frame, PAIR_NUMBER(frame), NULL);
    mvwchgat(win, y0 + bh - 1, x0, bw, frame, PAIR_NUMBER(frame), NULL);
    char title[256];
    snprintf(title, sizeof title, " %s ", d->title);
    draw_text(win, y0, x0 + 2, bw - 4 < text_width(title) ? bw - 4 : text_width(title), title,
              colors_attr(ROLE_TITLE), DRAW_LEFT, ascii);

    int y = y0 + 1, x = x0 + 2;
    text_lines(d, win, y, x, inner, d->scroll, text_rows, ascii);
    y += text_rows;
    /* the row under the text says when there is more of it, and how to see it */
    int below = text_n - d->scroll - text_rows;
    if (d->scroll > 0 || below > 0) {
        char more[96];
        snprintf(more, sizeof more, "%s %d more line%s below, %d above (Up/Down, PgUp/PgDn)",
                 below > 0 ? (ascii ? "v" : "\u25bc") : (ascii ? "^" : "\u25b2"), below,
                 below == 1 ? "" : "s", d->scroll);
        draw_text(win, y, x, inner, more, colors_attr(ROLE_STATE_WARN), DRAW_LEFT, ascii);
    }
    y++;
    draw_text(win, y++, x, inner, d->question, colors_attr(ROLE_STATE_WARN), DRAW_LEFT, ascii);
    if (d->kind == DIALOG_CHOOSE) {
        size_t first = d->sel >= (size_t)choice_rows ? d->sel - (size_t)choice_rows + 1 : 0;
        for (int r = 0; r < choice_rows && first + (size_t)r < d->n_choices; r++) {
            size_t i = first + (size_t)r;
            char line[1024];
            snprintf(line, sizeof line, "%s %s", i == d->sel ? ">" : " ", d->choices[i]);
            draw_text(win, y + r, x, inner, line,
                      colors_attr(i == d->sel ? ROLE_SELECTED : ROLE_DEFAULT), DRAW_LEFT, ascii);
        }
        /* the list continues: say so on its last row's right, with how many */
        size_t after = d->n_choices - first - (size_t)choice_rows;
        if (first + (size_t)choice_rows < d->n_choices || first > 0) {
            char more[64];
            snprintf(more, sizeof more, " %s%zu more %s%zu above ",
                     first + (size_t)choice_rows < d->n_choices ? (ascii ? "v " : "\u25bc ") : "",
                     first + (size_t)choice_rows < d->n_choices ? after : 0,
                     first > 0 ? (ascii ? "^ " : "\u25b2 ") : "", first);
            int mw = text_width(more);
            draw_text(win, y + choice_rows - 1, x + inner - mw, mw, more,
                      colors_attr(ROLE_STATE_WARN), DRAW_LEFT, ascii);
        }
        y += choice_rows;
    } else if (d->kind == DIALOG_YESNO) {
        draw_text(win, y++, x, inner, "[y] yes   [N] no (Enter)", colors_attr(ROLE_DIM), DRAW_LEFT,
                  ascii);
    } else {
        char line[DIALOG_INPUT_MAX + 8];
        snprintf(line, sizeof line, "> %s%s", d->input, ascii ? "_" : "\u2588");
        draw_text(win, y++, x, inner, line, colors_attr(ROLE_SELECTED), DRAW_LEFT, ascii);
    }
    if (d->hint[0] && y < y0 + bh - 1)
        draw_text(win, y, x, inner, d->hint, colors_attr(ROLE_ERROR), DRAW_LEFT, ascii);
}
