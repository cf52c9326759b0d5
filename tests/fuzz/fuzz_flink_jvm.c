/* The JVM and configuration screens' answers: the metric list, the metrics, a task
 * manager's details, /jobmanager/config and /jobs/:jid/config as the configuration
 * screen reads them, a thread dump (flink_jvm_*, flink_config_parse_*,
 * log_thread_dump_text).
 */
// seeds: jvm/*.json
#include <stdlib.h>
#include <string.h>

#include "flink_config.h"
#include "flink_jvm.h"
#include "fuzz.h"
#include "log_fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    char names[JVM_GC_MAX][JVM_GC_NAME_MAX];
    size_t n = 0;
    flink_jvm_parse_names(FUZZ_BODY, size, names, &n, err, sizeof err);
    struct jvm_metrics a, b;
    flink_jvm_parse_metrics(FUZZ_BODY, size, names, n, &a, err, sizeof err);
    b = a;
    flink_jvm_derive(&a, &b, 1000);
    struct jvm_tm_info info;
    flink_jvm_parse_tm(FUZZ_BODY, size, &info, err, sizeof err);
    struct conf_items l = {0};
    flink_config_parse_jobmanager(FUZZ_BODY, size, &l, err, sizeof err);
    flink_config_parse_job(FUZZ_BODY, size, &l, err, sizeof err);
    conf_items_free(&l);
    free(log_thread_dump_text(FUZZ_BODY, size, err, sizeof err));
    return 0;
}
