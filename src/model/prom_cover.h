/* Which jobs Prometheus answers for on the board: the model's record of the jobs the
 * last good fleet-wide answer of the Prometheus source named, by cluster id and job id.
 *
 * Written by the Prometheus source (prom_source.c) when a round ends: a good round sets
 * the jobs it named (prom_cover_set_*), a failed one, a moved or removed Prometheus
 * clear them. Read by the Flink REST poller (poller.c): a job covered here gets no
 * per-job REST requests for the board (no first fill of its row, no background refresh
 * of its details); the job on screen, the selected row and --once still get theirs, and
 * a job not covered (Prometheus does not know it, fails, or its last good answer is
 * older than PROM_COVER_MAX_PERIODS refresh periods: "stale") falls back to REST at
 * once. The poller reads this and nothing of prom_source.
 *
 * Times are wall-clock ms of the clock the writer and reader share (clock.h; a test's
 * clock in the unit tests). */
#ifndef FLINKTOP_PROM_COVER_H
#define FLINKTOP_PROM_COVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The answer counts for this many refresh periods (prom_source_status's "stale"). */
#define PROM_COVER_MAX_PERIODS 3

struct prom_cover_entry {
    size_t cluster;  /* the cluster's id; SIZE_MAX: any cluster (no label says which) */
    char job_id[33]; /* 32 hex + NUL */
};

struct prom_cover {
    struct prom_cover_entry *items; /* owned, sorted by job_id then cluster */
    size_t len, cap;
    int64_t answered_ms; /* when the last good answer set items, 0 none (cleared) */
    /* A Prometheus that has not answered yet since this time, 0 not waiting: for one
     * refresh period the board's rows wait for its first answer rather than spend a
     * REST fill each on what it is about to say. */
    int64_t waiting_ms;
};

/* A zeroed struct is an empty cover; free leaves it zeroed. */
void prom_cover_init(struct prom_cover *pc);
void prom_cover_free(struct prom_cover *pc);

/* Covers nothing from now on (a failed round, a Prometheus moved or removed); with
 * waiting_since > 0 the rows wait for the next answer as for a first one. */
void prom_cover_clear(struct prom_cover *pc, int64_t waiting_since);
/* A good answer: begin empties the next set, add names one job (duplicates are fine),
 * commit sorts and stamps it at now. */
void prom_cover_begin(struct prom_cover *pc);
void prom_cover_add(struct prom_cover *pc, size_t cluster, const char *job_id);
void prom_cover_commit(struct prom_cover *pc, int64_t now);

/* Job job_id of cluster ci: Prometheus's last good answer named it and is at most
 * PROM_COVER_MAX_PERIODS refresh periods old. pc NULL (no Prometheus): false. O(log n). */
bool prom_cover_job(const struct prom_cover *pc, size_t ci, const char *job_id, int64_t now,
                    int refresh_ms);
/* Prometheus's first answer (or the first since it moved) is due: at most one refresh
 * period since it started waiting. pc NULL: false. */
bool prom_cover_waiting(const struct prom_cover *pc, int64_t now, int refresh_ms);

#endif
