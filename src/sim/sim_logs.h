/* The log files of every simulated JobManager and task manager, and the pods' container
 * logs: Flink's GET /jobmanager/logs, /jobmanager/log, /jobmanager/logs/:name,
 * /jobmanager/stdout, /jobmanager/thread-dump and the same under /taskmanagers/:id, and
 * Kubernetes' GET /api/v1/namespaces/NS/pods/POD/log (container, tailLines, sinceSeconds,
 * limitBytes, previous, follow).
 *
 * A log is never stored: line k of a process is due at start + k * 1.5 s plus a little
 * jitter, and its text is a pure function of (process, k), so a log grows by the
 * simulator's clock and reads the same every time. The failures of the exception history
 * are written in at their time with their stack traces (the JobManager's for every job,
 * a task manager's for the tasks it ran). Files roll every hour (jobmanager.log,
 * jobmanager.log.1, ...), which bounds what one answer holds. Called under the model lock
 * except where said. */
#ifndef FLINKTOP_SIM_LOGS_H
#define FLINKTOP_SIM_LOGS_H

#include "sim_flink.h"
#include "sim_model.h"
#include "sim_reply.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* The name of the stdout file for sim_logs_render_file. */
#define SIM_LOGS_STDOUT "\x01stdout"

/* tm: index in c->tms, SIZE_MAX for the JobManager. Each fills r. */
void sim_logs_render_list(const struct sim_cluster *c, size_t tm, int64_t now, struct sim_reply *r);
/* name: NULL the current log file, SIM_LOGS_STDOUT, or a name from the list (404 else). */
void sim_logs_render_file(const struct sim_cluster *c, size_t tm, const char *name, int64_t now,
                          struct sim_reply *r);
void sim_logs_render_thread_dump(const struct sim_cluster *c, size_t tm, int64_t now,
                                 struct sim_reply *r);

/* GET .../pods/NAME/log: pods is every pod as sim_k8s renders them (borrowed). Answers
 * 404 for an unknown pod, 400 for a wrong container or a previous container that does
 * not exist; with follow, a stream that takes the model lock itself as lines come due. */
void sim_logs_pod(struct sim_model *m, const cJSON *pods, const char *ns, const char *name,
                  const struct sim_query *query, int64_t now, struct sim_reply *r);

#endif
