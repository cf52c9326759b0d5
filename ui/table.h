/* The table widget: columns measured in cells, a selection that follows its row by
 * identity when the data is replaced, scrolling, a sort column with inversion and a
 * substring filter. The rows themselves stay in the model: the table reads them through
 * a table_source and keeps only their order. */
#ifndef FLINKTOP_TABLE_H
#define FLINKTOP_TABLE_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "colors.h"
#include "keymap.h"

#define TABLE_MAX_COLS 20
#define TABLE_FILTER_MAX 128

struct table_col {
    const char *title;
    int min;    /* cells it needs; the title (and the sort mark) always fit */
    int drop;   /* 0: always shown; when narrow, the highest drop goes first */
    bool flex;  /* grows up to its widest cell; the last flex column takes the rest */
    bool right; /* numbers: aligned right */
    /* names (jobs, clusters, vertices, pods): cut in the middle, the tail that tells
     * them apart kept ("fraud-detec…-eu-west-2") */
    bool middle;
    bool mark; /* a marker column (alerts' ! and ~): one cell from the next column */
};

/* How a view hands its rows to the table. Rows are the model's indexes 0..count-1;
 * ctx is the view's. */
struct table_source {
    size_t (*count)(void *ctx);
    /* the text of one cell into buf (size bytes); returns its colour role */
    enum color_role (*cell)(void *ctx, size_t row, int col, char *buf, size_t size);
    /* <0, 0, >0 as row a sorts before, with, after row b on column col */
    int (*compare)(void *ctx, size_t a, size_t b, int col);
    /* the row matches the filter text */
    bool (*match)(void *ctx, size_t row, const char *filter);
    /* what identifies the row across refreshes (a job id); borrowed */
    const char *(*key)(void *ctx, size_t row);
    /* optional: the column whose cell fills the rest of the row (a cluster that never
     * answered has only its error to show), -1 none */
    int (*span)(void *ctx, size_t row);
};

struct table {
    const struct table_col *cols; /* borrowed, static */
    int n_cols;
    int sort_col; /* -1: the model's order */
    bool sort_desc;
    char filter[TABLE_FILTER_MAX]; /* "" none */
    size_t *order;                 /* owned: model rows in display order, n_rows of them */
    size_t *scratch;               /* owned: merge sort buffer */
    size_t n_rows, cap, total;     /* shown, allocated, before the filter */
    size_t sel, top;               /* selected and first shown, indexes into order */
    char *sel_key;                 /* owned: key of the selected row, NULL none */
    /* the user put the selection there (a move or a click): it follows its row when the
     * rows re-sort; until then it stays on the top row, the sickest one (htop's way) */
    bool sel_chosen;
    int page;                      /* body rows at the last draw */
    bool shown[TABLE_MAX_COLS];    /* columns that fit at the last draw */
    int body_y;                    /* screen row of the first body row at the last draw */
    unsigned drawn_frame;          /* the frame (table_new_frame) it was last drawn in */
};

/* What `/` edits on a screen (ui.c): the filter text (TABLE_FILTER_MAX bytes, borrowed)
 * and, when it narrows a table, that table with its rows (t NULL: the screen reads the
 * text itself, as the Kubernetes tab does). */
struct table_filter {
    char *text;
    struct table *t;
    const struct table_source *src;
    void *ctx;
};

/* cols is borrowed and must be static; n_cols <= TABLE_MAX_COLS. */
void table_init(struct table *t, const struct table_col *cols, int n_cols, int sort_col);
void table_free(struct table *t);

/* Rebuild the order from the model (filter, then sort) and find the selected row again
 * by its key when the user chose it (sel_chosen); when it is gone, or was never chosen,
 * the selection stays at the same position. Call after the model may have changed,
 * before keys and draws. */
void table_sync(struct table *t, const struct table_source *src, void *ctx);
/* Movement and sorting requests; returns UI flags (0 when req is not the table's). */
unsigned table_key(struct table *t, enum request req, const struct table_source *src, void *ctx);
/* The header row at y and body rows below it, h rows in all, w cells wide. */
void table_draw(struct table *t, WINDOW *win, int y, int h, int w, bool ascii,
                const struct table_source *src, void *ctx);
/* The selected model row; false when no row is shown. */
bool table_selected(const struct table *t, size_t *row);

/* A frame starts (ui_draw): a table not drawn in it takes no mouse clicks. */
void table_new_frame(void);
/* A click on screen row y: when that is one of t's body rows in the last frame, select
 * it and return true. Sync t first. */
bool table_click(struct table *t, int y, const struct table_source *src, void *ctx);

#endif
