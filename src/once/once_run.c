/* --once (once_run.h): the sources' rounds through source_ops, then the report. */
#include "once_run.h"

#include <stdio.h>
#include <stdlib.h>

#include "alert_samples.h"
#include "alerts.h"
#include "clock.h"
#include "history.h"
#include "http_trust.h"
#include "k8s_model.h"
#include "loop.h"
#include "once_incident.h"
#include "once_output.h"
#include "prom_source.h"

/* Each wait of the loop is bounded: it returns on an answer, a timer, or this. */
#define ONCE_WAIT_MS 200

/* One round of each of n sources, and the loop run until none is busy. */
static void run_wave(const struct data_source *s, size_t n, struct loop *loop) {
    static const struct source_focus none = {-1, NULL}; /* nothing on screen */
    if (n == 0)
        return;
    data_sources_round(s, n, &none);
    while (data_sources_busy(s, n))
        loop_run_once(loop, ONCE_WAIT_MS);
}

/* "context prod, all namespaces" for the first line of the text report, and a line for
 * each context that failed or fell back. */
static void once_scope(const struct app *app, char *scope, size_t scope_size, char *notes,
                       size_t notes_size) {
    size_t n = k8s_context_count(app), used = 0, nused = 0;
    scope[0] = notes[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const struct k8s_context_state *s = k8s_context_at(app, i);
        int w = snprintf(scope + used, scope_size - used, "%scontext %s, %s%s", i ? "; " : "",
                         s->name, s->scope ? "namespace " : "all namespaces",
                         s->scope ? s->scope : "");
        used = w > 0 && used + (size_t)w < scope_size ? used + (size_t)w : used;
        enum http_trust trust = http_trust_of(s->tls);
        if (trust != HTTP_TRUST_VERIFIED) {
            w = snprintf(notes + nused, notes_size - nused, "context %s: insecure (TLS not verified%s)\n",
                         s->name,
                         trust == HTTP_TRUST_INSECURE_CREDENTIAL ? ", a credential sent anyway" : "");
            nused = w > 0 && nused + (size_t)w < notes_size ? nused + (size_t)w : nused;
        }
        if (s->watch_note[0]) { /* RBAC forbids watch: the console lists, slower */
            w = snprintf(notes + nused, notes_size - nused, "context %s: %s\n", s->name,
                         s->watch_note);
            nused = w > 0 && nused + (size_t)w < notes_size ? nused + (size_t)w : nused;
        }
        if (s->error[0] == '\0' && !s->fell_back)
            continue;
        w = snprintf(notes + nused, notes_size - nused, "context %s: %s%s\n", s->name,
                     s->error[0] ? s->error : "",
                     s->fell_back ? " (listing all namespaces forbidden)" : "");
        nused = w > 0 && nused + (size_t)w < notes_size ? nused + (size_t)w : nused;
    }
    if (app->prom) { /* the board's other source: say when it is not ok */
        const struct source *st = prom_source_state(app->prom);
        if (st->state != SOURCE_OK)
            snprintf(notes + nused, notes_size - nused, "prometheus %s: %s\n",
                     prom_source_url(app->prom), st->error[0] ? st->error : "no answer yet");
    }
}

int once_run(struct app *app, const struct once_sources *src, struct loop *loop,
             struct alerts *alerts, enum output_format fmt) {
    run_wave(src->discover, src->n_discover, loop);
    run_wave(src->poll, src->n_poll, loop);
    history_update(app);
    if (src->prom) { /* history from before launch, into the rings REST's first points made */
        prom_source_backfill(src->prom, app);
        while (prom_source_backfill_busy(src->prom)) { /* every family, as each answers */
            loop_run_once(loop, ONCE_WAIT_MS);
            prom_source_backfill(src->prom, app);
        }
    }
    struct alert_sample_set set;
    alert_samples_init(&set);
    int64_t now = clock_wall_ms();
    alert_samples_collect(&set, app, now);
    alerts_evaluate(alerts, &set, now);
    if (src->prom) /* Prometheus's own alerts beside flinktop's, deduplicated */
        prom_source_feed_alerts(src->prom, app, alerts);
    alert_samples_free(&set);
    app->now_ms = clock_wall_ms();
    if (fmt == OUTPUT_JSON) {
        char *s = once_json(app);
        puts(s);
        free(s);
    } else {
        char scope[256], notes[1024];
        once_scope(app, scope, sizeof scope, notes, sizeof notes);
        once_incident_text(app, scope[0] ? scope : NULL, notes, app->now_ms, stdout);
    }
    fflush(stdout);
    return once_all_ok(app) ? 0 : 3;
}
