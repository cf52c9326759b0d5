/* GET /jobs/:jid/vertices/:vid and .../taskmanagers: the subtask drill-down's lists
 * (flink_subtasks_parse_vertex, flink_subtasks_parse_tms). */
// seeds: detail/vertex.*.json detail/vertex_tms.*.json
#include <string.h>

#include "flink_subtasks.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct subtask_list l;
    flink_subtasks_parse_vertex(FUZZ_BODY, size, &l, err, sizeof err);
    subtask_list_free(&l);
    struct vertex_tm_list t;
    flink_subtasks_parse_tms(FUZZ_BODY, size, &t, err, sizeof err);
    vertex_tm_list_free(&t);
    return 0;
}
