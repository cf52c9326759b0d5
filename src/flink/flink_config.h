/* The configuration the Web UI shows: the JobManager's (GET /jobmanager/config, a list of
 * {key, value}) and the job's (GET /jobs/:jid/config: execution-config with its
 * user-config), as one list of key/value items, what `c` on the job screen opens.
 *
 * Keys and values are sanitised; secrets Flink already masks ("******") stay masked,
 * since the value is shown as sent. Fetched on demand, once per open, never polled. */
#ifndef FLINKTOP_FLINK_CONFIG_H
#define FLINKTOP_FLINK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flink_api.h"
#include "model.h"
#include "source.h"

struct http;

enum conf_origin { CONF_JOBMANAGER, CONF_JOB };

struct conf_item {
    enum conf_origin origin;
    char *key;   /* owned, sanitised, never NULL */
    char *value; /* owned, sanitised, never NULL ("" for a null) */
};

struct conf_items {
    struct conf_item *items; /* owned array */
    size_t len;
};

void conf_items_free(struct conf_items *l);

/* GET /jobmanager/config: [{"key","value"}] appended to *out (entries without a string
 * key are skipped; a non-string value is shown as its JSON). */
enum fa_status flink_config_parse_jobmanager(const char *body, size_t len, struct conf_items *out,
                                             char *err, size_t errlen);
/* GET /jobs/:jid/config: execution-config's fields ("execution-config.job-parallelism")
 * and its user-config's ("user-config.KEY") appended to *out. */
enum fa_status flink_config_parse_job(const char *body, size_t len, struct conf_items *out,
                                      char *err, size_t errlen);

/* ---- the fetcher ---------------------------------------------------------------------- */

struct conf_fetch;

/* returns owned fetcher over http (borrowed: free the fetcher after http_free). */
struct conf_fetch *conf_fetch_new(struct http *http);
void conf_fetch_free(struct conf_fetch *f);
/* Open the configuration of job jid (NULL: the JobManager's only) of cluster ci (c
 * borrowed for the call): both requests go out. Opening again reads them again. */
void conf_fetch_open(struct conf_fetch *f, size_t ci, const struct cluster *c, const char *jid,
                     int64_t now);
void conf_fetch_close(struct conf_fetch *f);
/* The items of what is open for cluster ci (JobManager's first, then the job's), and the
 * two requests' sources; NULL when nothing of ci is open. Borrowed: valid until the next
 * loop turn. */
const struct conf_items *conf_fetch_get(const struct conf_fetch *f, size_t ci,
                                        const struct source **jm, const struct source **job);
bool conf_fetch_take_changed(struct conf_fetch *f);

#endif
