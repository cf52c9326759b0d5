#include "bars.h"

#include <stdio.h>
#include <string.h>

#include "action_engine.h"
#include "alerts.h"
#include "clock.h"
#include "cmdline.h"
#include "colors.h"
#include "draw.h"
#include "freshness.h"
#include "http_trust.h"
#include "k8s_model.h"
#include "prom_source.h"
#include "text.h"
#include "ui_screen.h"

#ifndef FLINKTOP_VERSION
#define FLINKTOP_VERSION "dev"
#endif

/* Draw s at *x up to the right edge, then step past it and a two-cell gap. */
static void put(WINDOW *win, int y, int *x, int w, const char *s, attr_t attr, bool ascii) {
    if (*x >= w)
        return;
    int want = text_width(s);
    int room = w - *x;
    int used = draw_text(win, y, *x, want < room ? want : room, s, attr, DRAW_LEFT, ascii);
    *x += used + 2;
}

/* "ctx prod ns all", one part a context: what `:ctx` and `:ns` changed. */
static void scope_text(const struct app *app, char *buf, size_t size) {
    size_t used = 0;
    buf[0] = '\0';
    size_t n = k8s_context_count(app);
    for (size_t i = 0; i < n; i++) {
        const struct k8s_context_state *s = k8s_context_at(app, i);
        if (s == NULL)
            continue;
        int k = snprintf(buf + used, size - used, "%sctx %s ns %s", used ? ", " : "",
                         s->name ? s->name : "-", s->scope ? s->scope : "all");
        if (k < 0 || (size_t)k >= size - used) {
            buf[used] = '\0';
            break;
        }
        used += (size_t)k;
    }
}

/* The worst trust over every connection in use: the contexts' API servers and the
 * clusters shown (a proxied cluster borrows its context's). */
static enum http_trust worst_trust(const struct app *app) {
    enum http_trust t = HTTP_TRUST_VERIFIED;
    size_t n = k8s_context_count(app);
    for (size_t i = 0; i < n; i++) {
        const struct k8s_context_state *s = k8s_context_at(app, i);
        if (s != NULL)
            t = http_trust_worst(t, http_trust_of(s->tls));
    }
    for (size_t i = 0; i < app->n_clusters; i++)
        if (!app->clusters[i].k8s.gone)
            t = http_trust_worst(t, http_trust_of(app->clusters[i].tls));
    return t;
}

void bars_header(WINDOW *win, int w, const char *title, const struct app *app, bool ascii) {
    attr_t attr = colors_attr(ROLE_TITLE);
    draw_blank(win, 0, 0, w, attr);
    char clock[16] = "", scope[256];
    if (app->now_ms > 0)
        text_clock(app->now_ms, clock, sizeof clock);
    scope_text(app, scope, sizeof scope);
    /* the write lock: READ-ONLY, or the countdown of a :unlock */
    char ro[40] = "";
    int64_t unlocked = action_engine_unlock_left(app->actions, clock_mono_ms());
    if (unlocked > 0)
        snprintf(ro, sizeof ro, "UNLOCKED %lld:%02lld", (long long)(unlocked / 60000),
                 (long long)(unlocked / 1000 % 60));
    else if (app->readonly)
        snprintf(ro, sizeof ro, "READ-ONLY");
    enum http_trust trust = worst_trust(app);
    const char *insecure = trust != HTTP_TRUST_VERIFIED ? "INSECURE" : "";
    /* Right to left: the clock, INSECURE, READ-ONLY, the scope; each only while the title
     * keeps 24 cells, in the order of what matters most at 3 a.m. */
    enum { INSECURE, RO, CLOCK, SCOPE, N_RIGHT };
    const char *part[N_RIGHT] = {insecure, ro, clock, scope};
    int pw[N_RIGHT];
    bool on[N_RIGHT];
    int right = 0;
    for (int i = 0; i < N_RIGHT; i++) {
        pw[i] = text_width(part[i]);
        on[i] = pw[i] > 0 && w - 1 - (right + pw[i] + 2) >= 24;
        if (on[i])
            right += pw[i] + 2;
    }
    char left[512];
    snprintf(left, sizeof left, "flinktop %s %s %s", FLINKTOP_VERSION, ascii ? "|" : "\u2502",
             title);
    draw_text(win, 0, 1, w - 1 - right, left, attr | A_BOLD, DRAW_LEFT, ascii);
    int x = w - 1; /* a gap after the title */
    static const int order[N_RIGHT] = {CLOCK, INSECURE, RO, SCOPE};
    for (int k = 0; k < N_RIGHT; k++) {
        int i = order[k];
        if (!on[i])
            continue;
        x -= pw[i];
        attr_t a = i == RO ? colors_attr(ROLE_ERROR) | A_BOLD : attr;
        if (i == INSECURE) /* red with a credential on it, else a warning */
            a = colors_attr(trust == HTTP_TRUST_INSECURE_CREDENTIAL ? ROLE_ERROR
                                                                    : ROLE_STATE_WARN) |
                A_BOLD;
        draw_text(win, 0, x, pw[i], part[i], a, DRAW_LEFT, ascii);
        x -= 2;
    }
}

/* "! 2 critical 1 warning" when alerts fire, each count in its severity's colour. */
static void put_alerts(WINDOW *win, int y, int *x, int w, const struct app *app, bool ascii) {
    size_t counts[ALERT_SEV_COUNT];
    if (app->alerts == NULL || alerts_counts(app->alerts, counts) == 0 || *x >= w)
        return;
    static const enum color_role roles[ALERT_SEV_COUNT] = {
        [ALERT_SEV_INFO] = ROLE_STATUSBAR,
        [ALERT_SEV_WARNING] = ROLE_STATE_WARN,
        [ALERT_SEV_CRITICAL] = ROLE_STATUSBAR_BAD,
    };
    int start = *x;
    put(win, y, x, w, "!", colors_attr(ROLE_STATUSBAR_BAD), ascii);
    *x -= 1; /* one space, not two, after the mark */
    for (int s = ALERT_SEV_COUNT - 1; s >= 0; s--) {
        if (counts[s] == 0 || *x >= w - 1)
            continue;
        char part[48];
        snprintf(part, sizeof part, "%zu %s", counts[s],
                 alert_severity_name((enum alert_severity)s));
        put(win, y, x, w, part, colors_attr(roles[s]), ascii);
        *x -= 1;
    }
    if (*x > start)
        *x += 1;
}

/* "prometheus ok", "prometheus stale 40s", "prometheus error (good 2m ago): why". */
static void put_prometheus(WINDOW *win, int y, int *x, int w, const struct app *app, bool ascii) {
    const char *st = prom_source_status(app->prom, app->now_ms, app->refresh_ms);
    const struct source *s = prom_source_state(app->prom);
    char age[16] = "", part[240];
    if (s->last_ok_ms > 0)
        text_age(app->now_ms > s->last_ok_ms ? app->now_ms - s->last_ok_ms : 0, age, sizeof age);
    if (strcmp(st, "error") == 0)
        snprintf(part, sizeof part, "prometheus error%s%s%s: %s", age[0] ? " (good " : "", age,
                 age[0] ? " ago)" : "", s->error);
    else
        snprintf(part, sizeof part, "prometheus %s%s%s", st, strcmp(st, "stale") == 0 ? " " : "",
                 strcmp(st, "stale") == 0 ? age : "");
    bool ok = strcmp(st, "ok") == 0 || strcmp(st, "pending") == 0;
    put(win, y, x, w, part, ok ? colors_attr(ROLE_STATUSBAR) : colors_attr(ROLE_STATUSBAR_BAD),
        ascii);
}

/* Refresh periods after which the oldest data on screen is named (app.c calls a cluster
 * stale after as many). */
#define BARS_OLD_PERIODS 3

/* The oldest data among the clusters on screen (one, or every one in scope when cluster
 * is -1): into *o and the cluster's name; false when none has answered. */
static bool oldest_on_screen(const struct app *app, int cluster, const char *job_id,
                             struct fresh_oldest *o, const char **name) {
    bool any = false;
    for (size_t i = 0; i < app->n_clusters; i++) {
        const struct cluster *c = &app->clusters[i];
        struct fresh_oldest co;
        if ((cluster >= 0 && (size_t)cluster != i) || (cluster < 0 && !cluster_in_scope(c)) ||
            !freshness_cluster_oldest(c, &co))
            continue;
        if (!any || co.last_ok_ms < o->last_ok_ms) {
            *o = co;
            *name = c->name;
            any = true;
        }
        /* a job's screen: its own endpoints too (the checkpoint configuration aside: it
         * is asked once) */
        const struct job *j = cluster >= 0 ? cluster_job_by_id(c, job_id) : NULL;
        for (int p = 0; j && j->detail && p < DETAIL_PART_COUNT; p++) {
            int64_t t = j->detail->parts[p].last_ok_ms;
            if (p == DETAIL_CP_CONFIG || t <= 0 || t >= o->last_ok_ms)
                continue;
            o->source = detail_part_name((enum detail_part)p);
            o->last_ok_ms = t;
        }
    }
    return any;
}

void bars_status(WINDOW *win, int y, int w, const struct app *app, int cluster,
                 const char *job_id, bool ascii, const char *flash, int level) {
    attr_t attr = colors_attr(ROLE_STATUSBAR);
    draw_blank(win, y, 0, w, attr);
    int failing = 0;
    size_t shown = 0; /* clusters outside the :ctx / :ns scope are not counted */
    for (size_t i = 0; i < app->n_clusters; i++) {
        if (app->clusters[i].k8s.hidden)
            continue;
        shown++;
        failing += cluster_state(&app->clusters[i]) == SOURCE_ERROR ||
                   freshness_k8s_failed(&app->clusters[i], NULL) != NULL;
    }
    char fleet[48], fresh[160], bad[48], age[16];
    snprintf(fleet, sizeof fleet, "%zu cluster%s", shown, shown == 1 ? "" : "s");
    snprintf(bad, sizeof bad, "%d with errors", failing);
    /* Narrow terminals get the short wording rather than a cut one. */
    bool narrow = w < 60;
    struct fresh_oldest old;
    const char *old_name = NULL;
    bool have_old = oldest_on_screen(app, cluster, job_id, &old, &old_name);
    int64_t old_ms = have_old ? app->now_ms - old.last_ok_ms : 0;
    /* Data older than a stale cluster's is named with its source: "refreshed 0s ago"
     * must not stand beside a pods list 34 s old. */
    bool show_old = have_old && app->refresh_ms > 0 &&
                    old_ms > (int64_t)BARS_OLD_PERIODS * app->refresh_ms;
    if (show_old) {
        text_age(old_ms, age, sizeof age);
        if (narrow)
            snprintf(fresh, sizeof fresh, "oldest %s", age);
        else
            snprintf(fresh, sizeof fresh, "oldest: %s %s (%s)", old.source, age,
                     old_name ? old_name : "-");
    } else if (app->last_refresh_ms > 0) {
        int64_t ms = app->now_ms - app->last_refresh_ms;
        snprintf(fresh, sizeof fresh, "%s%s ago", narrow ? "" : "refreshed ",
                 text_age(ms < 0 ? 0 : ms, age, sizeof age));
    } else {
        snprintf(fresh, sizeof fresh, "%s", narrow ? "waiting" : "waiting for the first answers");
    }
    const char *hint = "? help  q quit";
    int x = 1;
    if (flash && flash[0]) {
        static const enum color_role flash_roles[] = {ROLE_STATUSBAR, ROLE_STATE_WARN,
                                                      ROLE_STATUSBAR_BAD};
        enum color_role role = flash_roles[level < 0 ? 0 : level > 2 ? 2 : level];
        put(win, y, &x, w, flash, colors_attr(role) | A_BOLD, ascii);
    }
    put(win, y, &x, w, fleet, attr, ascii);
    put_alerts(win, y, &x, w, app, ascii);
    put(win, y, &x, w, fresh, show_old ? colors_attr(ROLE_STATUSBAR_BAD) : attr, ascii);
    if (failing > 0)
        put(win, y, &x, w, bad, colors_attr(ROLE_STATUSBAR_BAD), ascii);
    if (app->prom) /* Prometheus's state, as the clusters' is said: ok, stale or its error */
        put_prometheus(win, y, &x, w, app, ascii);
    int hint_w = text_width(hint);
    if (x + hint_w + 1 <= w)
        draw_text(win, y, w - hint_w - 1, hint_w, hint, attr, DRAW_LEFT, ascii);
}

void bars_prompt(WINDOW *win, int y, int w, const char *filter, bool ascii) {
    attr_t attr = colors_attr(ROLE_DEFAULT);
    draw_blank(win, y, 0, w, attr);
    const char *hint = "Enter keep  Esc clear";
    int hint_w = text_width(hint);
    int room = w - 3 - (w > 40 + hint_w ? hint_w + 2 : 0);
    char line[256];
    snprintf(line, sizeof line, "/%s", filter);
    /* Keep the end of what is typed in view: show its tail when it is too long. */
    const char *shown = line;
    while (text_width(shown) > room && shown[1] != '\0') {
        shown++;
        while (((unsigned char)*shown & 0xC0) == 0x80)
            shown++;
    }
    int used = draw_text(win, y, 0, room, shown, attr | A_BOLD, DRAW_LEFT, ascii);
    draw_blank(win, y, used, 1, attr | A_REVERSE);
    if (w > 40 + hint_w)
        draw_text(win, y, w - hint_w - 1, hint_w, hint, colors_attr(ROLE_DIM), DRAW_LEFT, ascii);
}

/* Cells the first n bytes of s take. */
static int width_n(const char *s, size_t n) {
    char buf[CMDLINE_MAX + 2];
    snprintf(buf, sizeof buf, "%.*s", (int)n, s);
    return text_width(buf);
}

void bars_cmdline(WINDOW *win, int y, int w, const struct cmdline *c, bool ascii) {
    attr_t attr = colors_attr(ROLE_DEFAULT);
    draw_blank(win, y, 0, w, attr);
    const char *hint = c->hint[0] ? c->hint : "Tab complete  Enter run  Esc cancel";
    int hint_w = text_width(hint);
    if (hint_w > w / 2)
        hint_w = w / 2;
    bool show_hint = c->hint[0] ? w >= 40 : w > 40 + hint_w;
    int room = w - 2 - (show_hint ? hint_w + 2 : 0);
    char line[CMDLINE_MAX + 2];
    snprintf(line, sizeof line, ":%s", c->text);
    size_t cur = c->cur + 1 < sizeof line ? c->cur + 1 : strlen(line);
    /* Keep the cursor in view: drop characters from the start while it would not fit. */
    size_t from = 0;
    while (from < cur && width_n(line + from, cur - from) + 1 > room) {
        from++;
        while (from < cur && ((unsigned char)line[from] & 0xC0) == 0x80)
            from++;
    }
    draw_text(win, y, 0, room, line + from, attr | A_BOLD, DRAW_LEFT, ascii);
    int cx = width_n(line + from, cur - from);
    /* the cursor: the character under it reversed, or a reversed blank at the end */
    size_t next = cur;
    if (line[next]) {
        next++;
        while (line[next] && ((unsigned char)line[next] & 0xC0) == 0x80)
            next++;
    }
    char under[8] = " ";
    if (next > cur && next - cur < sizeof under)
        snprintf(under, sizeof under, "%.*s", (int)(next - cur), line + cur);
    int uw = text_width(under);
    if (cx + uw <= w)
        draw_text(win, y, cx, uw, under, attr | A_BOLD | A_REVERSE, DRAW_LEFT, ascii);
    if (show_hint)
        draw_text(win, y, w - hint_w - 1, hint_w, hint, colors_attr(ROLE_DIM), DRAW_LEFT, ascii);
}

void bars_too_small(WINDOW *win, int h, int w, bool ascii) {
    if (h <= 0 || w <= 0)
        return;
    char what[] = "terminal too small";
    char size[64];
    snprintf(size, sizeof size, "(%dx%d, need %dx%d)", w, h, UI_MIN_COLS, UI_MIN_ROWS);
    char both[96];
    snprintf(both, sizeof both, "%s %s", what, size);
    attr_t attr = colors_attr(ROLE_ERROR);
    if (text_width(both) <= w || h < 2) {
        draw_text(win, h / 2, 0, w, both, attr, DRAW_CENTER, ascii);
        return;
    }
    int y = (h - 2) / 2;
    draw_text(win, y, 0, w, what, attr, DRAW_CENTER, ascii);
    draw_text(win, y + 1, 0, w, size, attr, DRAW_CENTER, ascii);
}
