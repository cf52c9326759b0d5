#include "prom_cover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void prom_cover_init(struct prom_cover *pc) { memset(pc, 0, sizeof *pc); }

void prom_cover_free(struct prom_cover *pc) {
    free(pc->items);
    memset(pc, 0, sizeof *pc);
}

void prom_cover_clear(struct prom_cover *pc, int64_t waiting_since) {
    pc->len = 0;
    pc->answered_ms = 0;
    pc->waiting_ms = waiting_since;
}

void prom_cover_begin(struct prom_cover *pc) { pc->len = 0; }

void prom_cover_add(struct prom_cover *pc, size_t cluster, const char *job_id) {
    if (job_id == NULL || job_id[0] == '\0')
        return;
    if (pc->len == pc->cap) {
        pc->cap = pc->cap ? pc->cap * 2 : 64;
        pc->items = xrealloc(pc->items, pc->cap * sizeof *pc->items);
    }
    struct prom_cover_entry *e = &pc->items[pc->len++];
    e->cluster = cluster;
    snprintf(e->job_id, sizeof e->job_id, "%s", job_id);
}

static int cmp_entry(const void *a, const void *b) {
    const struct prom_cover_entry *x = a, *y = b;
    int c = strcmp(x->job_id, y->job_id);
    if (c != 0)
        return c;
    return x->cluster < y->cluster ? -1 : x->cluster > y->cluster;
}

void prom_cover_commit(struct prom_cover *pc, int64_t now) {
    if (pc->len > 1)
        qsort(pc->items, pc->len, sizeof *pc->items, cmp_entry);
    pc->answered_ms = now;
    pc->waiting_ms = 0;
}

bool prom_cover_job(const struct prom_cover *pc, size_t ci, const char *job_id, int64_t now,
                    int refresh_ms) {
    if (pc == NULL || job_id == NULL || job_id[0] == '\0' || pc->len == 0 || pc->answered_ms <= 0)
        return false;
    int64_t period = refresh_ms > 0 ? refresh_ms : 2000;
    if (now - pc->answered_ms > PROM_COVER_MAX_PERIODS * period)
        return false; /* rounds hang: stale, REST answers again */
    /* this cluster's entry, or one for any cluster (SIZE_MAX sorts last of the id) */
    struct prom_cover_entry key = {ci, ""};
    snprintf(key.job_id, sizeof key.job_id, "%s", job_id);
    if (bsearch(&key, pc->items, pc->len, sizeof *pc->items, cmp_entry))
        return true;
    key.cluster = SIZE_MAX;
    return bsearch(&key, pc->items, pc->len, sizeof *pc->items, cmp_entry) != NULL;
}

bool prom_cover_waiting(const struct prom_cover *pc, int64_t now, int refresh_ms) {
    if (pc == NULL || pc->waiting_ms <= 0 || pc->answered_ms > 0)
        return false;
    int64_t period = refresh_ms > 0 ? refresh_ms : 2000;
    return now - pc->waiting_ms < period;
}
