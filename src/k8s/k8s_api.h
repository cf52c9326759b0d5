/* Parsers for the Kubernetes API answers the console reads: the Flink operator's
 * resources (flink.apache.org/v1beta1, FLINK-API.md section 3 and the CRDs in
 * ../shared/specs/), pods, events, error Status bodies, /version and discovery; and the
 * small joins the Kubernetes screen needs (pods and events of one resource).
 *
 * Same contract as flink_api.h: raw body (not necessarily NUL-terminated) + length in;
 * FA_OK, or an error with one line in err (errlen bytes, always NUL-terminated when
 * errlen > 0). *out is initialised first, so on error it is "unknown" and owns nothing.
 * A missing or wrong-typed field is unknown, never 0 and never an error; only a body
 * that is not JSON, or not the expected top-level shape, is an error. Every string
 * stored is sanitised. The caller owns *out and frees it with the *_free in k8s_model.h.
 *
 * Lists: {"kind":"...List","items":[...]} ("items": null reads as empty). Items that are
 * not objects, or have no metadata.name (pods, resources, snapshots), are skipped. When
 * the body is a Status object instead of a list, the error line is its message. */
#ifndef FLINKTOP_K8S_API_H
#define FLINKTOP_K8S_API_H

#include <stdbool.h>
#include <stddef.h>

#include "flink_api.h"
#include "k8s_model.h"

/* GET /apis/flink.apache.org/v1beta1/[namespaces/NS/]flinkdeployments or
 * .../flinksessionjobs: FlinkDeploymentList / FlinkSessionJobList. The kind of each
 * item is its own "kind", else the list's kind without "List". */
enum fa_status k8s_api_parse_flink_resources(const char *body, size_t len,
                                             struct flink_resource_list *out, char *err,
                                             size_t errlen);
/* GET .../namespaces/NS/flinkdeployments/NAME (or flinksessionjobs/NAME), and the answer
 * to a PATCH of one. FA_SHAPE when the object has no metadata.name. */
enum fa_status k8s_api_parse_flink_resource(const char *body, size_t len,
                                            struct flink_resource *out, char *err, size_t errlen);

/* GET /apis/flink.apache.org/v1beta1/[namespaces/NS/]flinkstatesnapshots, newest
 * (by creationTimestamp) first. */
enum fa_status k8s_api_parse_snapshots(const char *body, size_t len,
                                       struct flink_snapshot_list *out, char *err, size_t errlen);
/* GET .../flinkstatesnapshots/NAME, or the answer to creating one. */
enum fa_status k8s_api_parse_snapshot(const char *body, size_t len, struct flink_snapshot *out,
                                      char *err, size_t errlen);

/* GET /api/v1/[namespaces/NS/]pods[?labelSelector=...]: PodList, in server order. */
enum fa_status k8s_api_parse_pods(const char *body, size_t len, struct pod_list *out, char *err,
                                  size_t errlen);

/* GET /api/v1/[namespaces/NS/]events (core/v1 EventList) or
 * /apis/events.k8s.io/v1/... (regarding/note/series/deprecated* fields); sorted newest
 * first (k8s_api_sort_events). */
enum fa_status k8s_api_parse_events(const char *body, size_t len, struct k8s_event_list *out,
                                    char *err, size_t errlen);

/* One object as a list item or a watch event carries it (borrowed) into *out
 * (initialised first; the caller frees it with its *_free). false, with *out owning
 * nothing, when it is not an object or (resources, snapshots, pods) has no
 * metadata.name. dflt_kind: the kind when the object does not say. */
struct cJSON;
bool k8s_api_flink_resource_from(const struct cJSON *o, enum flink_kind dflt_kind,
                                 struct flink_resource *out);
bool k8s_api_snapshot_from(const struct cJSON *o, struct flink_snapshot *out);
bool k8s_api_pod_from(const struct cJSON *o, struct pod *out);
bool k8s_api_event_from(const struct cJSON *o, struct k8s_event *out);

/* GET /version */
enum fa_status k8s_api_parse_version(const char *body, size_t len, struct k8s_version *out,
                                     char *err, size_t errlen);

/* GET /apis/flink.apache.org/v1beta1 (APIResourceList): which of flinkdeployments,
 * flinksessionjobs and flinkstatesnapshots are served (subresources such as
 * "flinkdeployments/status" do not count). */
enum fa_status k8s_api_parse_discovery(const char *body, size_t len, struct k8s_discovery *out,
                                       char *err, size_t errlen);

/* A Kubernetes error body, {"kind":"Status","status":"Failure","message":...,
 * "reason":"Forbidden","code":403}: returns its message as one sanitised line (the
 * reason when there is no message), owned; NULL when the body is not a Status. */
char *k8s_api_error_message(const char *body, size_t len);

/* status.error of a resource or snapshot as one line: a JSON-encoded
 * FlinkResourceException {type, message, ...} gives "SimpleType: message" (type alone
 * without a message), anything else is the string itself; whitespace runs become one
 * space, the line is capped at K8S_LINE_MAX bytes (cut at a character boundary, with
 * an ellipsis). Returns owned, sanitised string; NULL for NULL or a blank string. */
char *k8s_api_error_line(const char *raw);
#define K8S_LINE_MAX 1024
/* s as one sanitised line: whitespace runs become one space, the ends trimmed, capped at
 * K8S_LINE_MAX bytes with an ellipsis. Returns owned string; NULL for NULL or blank. */
char *k8s_api_one_line(const char *s);

/* Sort newest first; events without a time go last; equal times keep their order. */
void k8s_api_sort_events(struct k8s_event_list *l);

/* A Kubernetes quantity ("2Gi", "1500M", "2147483648") in its base unit, rounded; -1
 * when it is not one. */
int64_t k8s_api_parse_quantity(const char *s);

#endif
