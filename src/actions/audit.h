/* The audit log: one JSON line per action and per outcome, appended to
 * $XDG_STATE_HOME/flinktop/audit.log (config.c's audit_path), e.g.
 *
 *   {"time":"2024-05-01T12:00:00.123Z","user":"sre","context":"prod","namespace":"flink",
 *    "cluster":"orders","job":"Orders ETL","job_id":"0a1b...","action":"savepoint",
 *    "parameters":{"targetDirectory":"s3://sp"},"request_id":"5e8f...","phase":"succeeded",
 *    "result":"savepoint at s3://sp/savepoint-0a1b2c"}
 *
 * Fields that are NULL are left out. Never a credential: an entry has no field for
 * headers or tokens, and every string (parameters too) goes through audit_scrub, which
 * cuts out what looks like one. The directories above the file are created mode 0700;
 * the file is created mode 0600 and a wider mode on an existing file is narrowed (never
 * widened); a symbolic link or anything but a regular file is refused. The file is
 * opened for each line (O_APPEND, one write), so rotating it away is fine.
 *
 * Nothing here is fatal: a failure comes back as one line for the status line. */
#ifndef FLINKTOP_AUDIT_H
#define FLINKTOP_AUDIT_H

#include <stddef.h>
#include <stdint.h>

struct audit;

struct audit_entry {
    int64_t time_ms; /* wall clock, epoch ms; 0: now */
    const char *context;
    const char *ns;
    const char *cluster;
    const char *job_name;
    const char *job_id;
    const char *action;     /* action_name(): "savepoint", ... */
    const char *params;     /* a JSON object as text (action_plan's params); NULL: {} */
    const char *request_id; /* trigger id, snapshot name or resourceVersion; NULL none */
    const char *phase;      /* "requested", "succeeded", "failed", "cancelled", "timed-out" */
    const char *result;     /* what came of it, one line; NULL none */
    const char *reason;     /* the reason of the write unlock it was sent under; NULL none */
    const char *k8s_user;   /* the Kubernetes identity it was sent as; NULL unknown */
};

/* Make ready to append to path: create its directories (0700) and the file (0600), or
 * narrow an existing file's mode. Returns owned handle (audit_close), or NULL with one
 * line in err (a NULL or empty path, a directory that cannot be made, a file that
 * cannot be written). */
struct audit *audit_open(const char *path, char *err, size_t errlen);
void audit_close(struct audit *a);
/* borrowed: the path given to audit_open */
const char *audit_path(const struct audit *a);

/* The log can be appended to now (opened and closed, nothing written). 0, or -1 with
 * one line in err. */
int audit_check(const struct audit *a, char *err, size_t errlen);

/* Append one line. Returns 0, or -1 with one line in err (a NULL a says "no audit log"). */
int audit_write(struct audit *a, const struct audit_entry *e, char *err, size_t errlen);

/* The line audit_write appends (without the newline), for user (NULL: "unknown"): the
 * Unix user; the Kubernetes identity is the entry's k8s_user.
 * returns owned string */
char *audit_format(const struct audit_entry *e, const char *user);

/* s without control characters and without what looks like a credential: "Bearer X" and
 * "Basic X" keep the word and lose X, a JWT (eyJ...) goes, a URL's user:password@ goes,
 * and the value after a key such as token, password, secret, apikey, credential or
 * authorization (key=value, key: value, "key":"value") goes; each becomes
 * "[redacted]". Capped at AUDIT_TEXT_MAX bytes. returns owned string (NULL gives NULL) */
char *audit_scrub(const char *s);
#define AUDIT_TEXT_MAX 2048

#endif
