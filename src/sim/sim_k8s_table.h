/* The Table format (meta.k8s.io/v1) that kubectl asks for with
 * "Accept: application/json;as=Table;g=meta.k8s.io;v=v1": the columns a real API server
 * prints for each kind and the cells of each object.
 *   - Pod: NAME READY STATUS RESTARTS AGE (wide: IP NODE)
 *   - Deployment: NAME READY UP-TO-DATE AVAILABLE AGE
 *   - Event: LAST SEEN TYPE REASON OBJECT MESSAGE
 *   - Namespace: NAME STATUS AGE; Service: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE
 *   - the operator's CRDs: NAME, their additionalPrinterColumns (FlinkDeployment and
 *     FlinkSessionJob: Job Status, Lifecycle State; FlinkStateSnapshot: Path, Result
 *     Timestamp, Snapshot State), AGE (a date cell: kubectl turns it into an age).
 * Each row carries the object's metadata as a PartialObjectMetadata. */
#ifndef FLINKTOP_SIM_K8S_TABLE_H
#define FLINKTOP_SIM_K8S_TABLE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

/* A Table of items (borrowed array of objects of kind kind_name, e.g. "Pod") at wall time
 * now (for ages); columnDefinitions only when headers (a watch sends them once). Returns
 * owned. */
cJSON *sim_k8s_table_for(const char *kind_name, const cJSON *items, bool headers, int64_t now);

/* Kubernetes' short human duration of ms ("45s", "5m10s", "3h", "14d"), into buf. */
void sim_k8s_table_age(char *buf, size_t n, int64_t ms);

#endif
