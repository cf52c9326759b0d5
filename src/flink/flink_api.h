/* Parsers for the Flink REST API responses the console reads (Flink 1.15 to 2.x),
 * following ../shared/specs/ and FLINK-API.md, not one captured response.
 *
 * Every parser takes the raw body (not necessarily NUL-terminated), fills *out, and
 * returns FA_OK or an error whose one-line message is written to err (errlen bytes,
 * always NUL-terminated). On error *out is left initialised to "unknown" and owns
 * nothing. A missing or wrong-typed field is "unknown" (-1, NaN, NULL), never 0 and
 * never an error: only a body that is not JSON, or not the expected top-level shape,
 * is an error. Every string stored in *out is sanitised (sanitize.h). The caller owns
 * *out and frees it with the matching *_free in model.h. */
#ifndef FLINKTOP_FLINK_API_H
#define FLINKTOP_FLINK_API_H

#include <stddef.h>

#include "model.h"

#define FA_STATUS(X)                                                                               \
    X(FA_OK, "ok")                                                                                 \
    X(FA_EMPTY, "empty response")                                                                  \
    X(FA_SYNTAX, "malformed JSON")                                                                 \
    X(FA_SHAPE, "unexpected JSON shape")

#define FA_STATUS_ENUM(id, msg) id,
enum fa_status { FA_STATUS(FA_STATUS_ENUM) };
#undef FA_STATUS_ENUM

/* returns a static string */
const char *fa_status_message(enum fa_status s);

/* GET /config */
enum fa_status flink_api_parse_config(const char *body, size_t len, struct flink_config *out,
                                      char *err, size_t errlen);
/* GET /overview */
enum fa_status flink_api_parse_overview(const char *body, size_t len, struct flink_overview *out,
                                        char *err, size_t errlen);
/* GET /jobs/overview: {"jobs":[...]} */
enum fa_status flink_api_parse_jobs_overview(const char *body, size_t len, struct job_list *out,
                                             char *err, size_t errlen);
/* GET /taskmanagers: {"taskmanagers":[...]} */
enum fa_status flink_api_parse_taskmanagers(const char *body, size_t len,
                                            struct taskmanager_list *out, char *err, size_t errlen);
/* GET /jobmanager/config, [{"key","value"}]: the default savepoint directory
 * (execution.checkpointing.savepoint-dir, else state.savepoints.dir; owned, NULL when
 * unset or masked) and whether jobmanager.scheduler is adaptive. */
enum fa_status flink_api_parse_jm_config(const char *body, size_t len, char **savepoint_dir,
                                         int *adaptive, char *err, size_t errlen);

/* GET /jobs/:jid (only what the job list needs: parallelism) */
enum fa_status flink_api_parse_job_details(const char *body, size_t len, struct job_details *out,
                                           char *err, size_t errlen);
/* An error body {"errors":["..."]}: returns the first message, owned and sanitised, or
 * NULL when the body has none. */
char *flink_api_error_message(const char *body, size_t len);

#endif
