#include "sim_catalog.h"
#include <string.h>

#include <stdlib.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Development runs the adaptive scheduler (so /config says web-rescale and
 * resource-requirements answer), the others the default one; JMX is on only in production, as
 * monitoring agents usually are. Checkpointing differs like a real fleet: production exactly-once
 * every 60 s on RocksDB, staging every 30 s with unaligned checkpoints, development at-least-once
 * every 10 s on the HashMap backend without retained checkpoints. */
static const struct sim_profile profiles[] = {
    {"production", "1.20.1", "35f0a52", "2025-02-06T10:25:43+01:00", 4, 4, "default", "rocksdb",
     8789, 60, false, false, true, 600, 5000, 3},
    {"staging", "1.18.1", "a8c8b1c", "2024-01-11T16:34:02+01:00", 3, 4, "default", "rocksdb", -1,
     30, false, true, true, 300, 2000, 5},
    {"development", "2.1.0", "4cb6bd3", "2025-07-24T11:05:12+02:00", 2, 8, "adaptive", "hashmap",
     -1, 10, true, false, false, 60, 0, 10},
};

static const struct sim_profile extra_profiles[] = {
    {NULL, "1.19.2", "7d9e3ff", "2025-02-10T09:14:33+01:00", 2, 4, "default", "rocksdb", -1, 60,
     false, false, true, 600, 5000, 3},
    {NULL, "2.0.0", "d5f8a1e", "2025-03-17T14:41:07+01:00", 2, 4, "adaptive", "rocksdb", -1, 60,
     false, false, true, 600, 5000, 3},
    {NULL, "1.17.2", "c0027e5", "2023-11-23T19:22:51+01:00", 2, 4, "default", "hashmap", -1, 10,
     true, false, false, 60, 0, 10},
    {NULL, "1.16.3", "00ec6b8", "2023-11-17T20:09:55+01:00", 2, 4, "default", "rocksdb", -1, 30,
     false, true, true, 300, 2000, 5},
    {NULL, "2.2.0", "9a1c2f4", "2025-12-01T12:00:00+01:00", 2, 4, "default", "rocksdb", -1, 60,
     false, false, true, 600, 5000, 3},
    {NULL, "1.15.4", "3c63e0a", "2023-03-14T10:13:38+01:00", 2, 4, "default", "hashmap", -1, 10,
     true, false, false, 60, 0, 10},
    {NULL, "2.3.0", "e61b0c7", "2026-03-02T15:30:21+01:00", 2, 4, "adaptive", "rocksdb", -1, 30,
     false, true, true, 300, 2000, 5},
};

const struct sim_profile *sim_catalog_profile(size_t i) {
    if (i < COUNT(profiles))
        return &profiles[i];
    return &extra_profiles[(i - COUNT(profiles)) % COUNT(extra_profiles)];
}

const struct sim_profile *sim_catalog_profile_for(int major, int minor) {
    const struct sim_profile *best = &profiles[0];
    long want = major * 1000L + minor, best_v = -1;
    for (size_t i = 0; i < COUNT(profiles) + COUNT(extra_profiles); i++) {
        const struct sim_profile *p = sim_catalog_profile(i);
        char *end = NULL;
        long ma = strtol(p->version, &end, 10);
        long mi = end != NULL && *end == '.' ? strtol(end + 1, NULL, 10) : 0;
        long v = ma * 1000 + mi;
        if (v <= want && v > best_v) {
            best = p;
            best_v = v;
        }
    }
    return best;
}

/* The environments again on the other Flink versions a real fleet mixes: production
 * moving to 2.1, staging and development trying 2.3. */
static const struct sim_profile fleet_profiles[] = {
    {"production", "2.1.0", "4cb6bd3", "2025-07-24T11:05:12+02:00", 3, 4, "default", "rocksdb",
     8789, 60, false, false, true, 600, 5000, 3},
    {"staging", "2.3.0", "e61b0c7", "2026-03-02T15:30:21+01:00", 2, 4, "default", "rocksdb", -1, 30,
     false, true, true, 300, 2000, 5},
    {"development", "2.3.0", "e61b0c7", "2026-03-02T15:30:21+01:00", 2, 8, "adaptive", "hashmap",
     -1, 10, true, false, false, 60, 0, 10},
};
#define production_2_1 fleet_profiles[0]
#define staging_2_3 fleet_profiles[1]
#define development_2_3 fleet_profiles[2]

#define APP SIM_MODE_APPLICATION
#define RUN SIM_FLEET_RUNNING

/* The first three are production, staging and development as the grid's first three
 * (what is per cluster index elsewhere, such as staging having no default savepoint
 * directory, stays with them); then the rest of each environment. Production runs
 * JobManager HA with two replicas, as the guide configures it. */
static const struct sim_fleet_entry fleet[] = {
    {"real-time-analytics",
     "flink-production",
     &profiles[0],
     APP,
     2,
     1,
     {"real-time-analytics"},
     {RUN}},
    {"inventory-sync",
     "flink-staging",
     &profiles[1],
     APP,
     1,
     1,
     {"inventory-sync"},
     {SIM_FLEET_FAILED}},
    {"geo-aggregation",
     "flink-development",
     &profiles[2],
     APP,
     1,
     1,
     {"日本語の集計ジョブ"},
     {RUN}},
    {"fraud-detection",
     "flink-production",
     &profiles[0],
     APP,
     2,
     1,
     {"fraud-detection"},
     {SIM_FLEET_SLOW}},
    {"payments-ledger",
     "flink-production",
     &profiles[0],
     APP,
     2,
     1,
     {"payments-ledger"},
     {SIM_FLEET_FAILING_CHECKPOINTS}},
    {"orders-enrichment",
     "flink-production",
     &production_2_1,
     APP,
     2,
     1,
     {"orders-enrichment"},
     {RUN}},
    {"analytics-session",
     "flink-production",
     &profiles[0],
     SIM_MODE_SESSION,
     2,
     4,
     {"clickstream-sessionizer", "ad-impressions-rollup", "notification-router",
      "orders-backfill-2025-10"},
     {RUN, SIM_FLEET_SLOW, RUN, SIM_FLEET_FINISHED}},
    {"recommendation-features",
     "flink-staging",
     &profiles[1],
     APP,
     1,
     1,
     {"recommendation-features"},
     {RUN}},
    {"cdc-customers-to-lake",
     "flink-staging",
     &staging_2_3,
     APP,
     1,
     1,
     {"cdc-customers-to-lake"},
     {RUN}},
    {"pricing-engine", "flink-development", &development_2_3, APP, 1, 1, {"pricing-engine"}, {RUN}},
    {"sensor-anomaly-detector",
     "flink-development",
     &profiles[2],
     APP,
     1,
     1,
     {"sensor-anomaly-detector"},
     {RUN}},
    {"legacy-reports",
     "flink-development",
     &profiles[0],
     SIM_MODE_STANDALONE,
     1,
     2,
     {"audit-log-archiver", "session-metrics"},
     {RUN, RUN}},
};

#undef APP
#undef RUN
#undef production_2_1
#undef staging_2_3
#undef development_2_3

const struct sim_fleet_entry *sim_catalog_fleet(size_t i) {
    return i < COUNT(fleet) ? &fleet[i] : NULL;
}
size_t sim_catalog_fleet_count(void) { return COUNT(fleet); }

static const char *const job_names[] = {
    "orders-enrichment",       "fraud-detection",          "clickstream-sessionizer",
    "payments-ledger",         "inventory-sync",           "recommendation-features",
    "ad-impressions-rollup",   "user-profile-updater",     "shipment-tracking",
    "search-index-writer",     "currency-rates-ingest",    "notification-router",
    "sensor-anomaly-detector", "cart-abandonment-alerts",  "pricing-engine",
    "audit-log-archiver",      "session-metrics",          "geo-fence-events",
    "cdc-customers-to-lake",   "top-products-leaderboard",
};

static const char *const batch_job_names[] = {
    "orders-backfill-2025-10",
    "ledger-reconciliation-nightly",
    "features-recompute-batch",
};

const char *sim_catalog_job_name(size_t i) { return job_names[i % COUNT(job_names)]; }
size_t sim_catalog_job_name_count(void) { return COUNT(job_names); }
const char *sim_catalog_batch_job_name(size_t i) {
    return batch_job_names[i % COUNT(batch_job_names)];
}

const char *sim_catalog_cjk_job_name(void) { return "日本語の集計ジョブ"; }

/* Each one attacks a terminal differently: clear screen + colour + CR/LF + bell; an
 * 8-bit CSI (U+009B, which some terminals honour); a right-to-left override; a NUL that
 * would cut the name (DEL stands for it here: sim_reply_json writes it as \u0000); every
 * bidi embedding/override (U+202A..U+202E) and isolate (U+2066..U+2069). */
#define GRID_HOSTILE_NAMES                                                                         \
    "evil\x1b[2J\x1b[31mjob\r\n\x07",                                                              \
        "c1-\xc2\x9b"                                                                              \
        "2Jcsi-job",                                                                               \
        "invoice-\xe2\x80\xae"                                                                     \
        "gpj.exe",                                                                                 \
        "nul-\x7f-hidden-job",                                                                     \
        "bidi-\xe2\x80\xaa"                                                                        \
        "1\xe2\x80\xab"                                                                            \
        "2\xe2\x80\xac"                                                                            \
        "3\xe2\x80\xad"                                                                            \
        "4\xe2\x80\xae"                                                                            \
        "5-job",                                                                                   \
        "isolate-\xe2\x81\xa6"                                                                     \
        "6\xe2\x81\xa7"                                                                            \
        "7\xe2\x81\xa8"                                                                            \
        "8\xe2\x81\xa9"                                                                            \
        "9-job"

static const char *const hostile_names[] = {GRID_HOSTILE_NAMES};

const char *sim_catalog_hostile_name(size_t i) {
    return i < COUNT(hostile_names) ? hostile_names[i] : NULL;
}

/* 64 bytes; a very long name is 32 of them. */
#define LONG64 "-stage-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJKLMNOPQRS"
#define LONG512 LONG64 LONG64 LONG64 LONG64 LONG64 LONG64 LONG64 LONG64

/* The default fleet's hostile names (--hostile-names without --clusters/--jobs): the
 * grid's, and what else a server can send that a terminal or a width computation must
 * survive: OSC sequences (window title, hyperlink), backspace and tab, zero-width
 * characters (U+200B..U+200D, U+2060, U+FEFF), invalid UTF-8 (a lone continuation byte,
 * 0xFF, a sequence cut short, an overlong '/', an encoded surrogate) and a 2 KiB name.
 * DEL stands for NUL, as above. */
static const char *const fleet_hostile_names[] = {
    GRID_HOSTILE_NAMES,
    "title-\x1b]0;owned\x07-\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\-job",
    "zero\xe2\x80\x8bwidth\xe2\x80\x8c\xe2\x80\x8d\xe2\x81\xa0\xef\xbb\xbf-job",
    "bad-utf8-\x80-\xff\xfe-\xe2\x82-\xc0\xaf-\xed\xa0\x80-job",
    "back\b\b\b\bspace\ttab\x1b[1A\x1b[Kup-job",
    "very-long" LONG512 LONG512 LONG512 LONG512 "-job",
};

const char *sim_catalog_fleet_hostile_name(size_t i) {
    return i < COUNT(fleet_hostile_names) ? fleet_hostile_names[i] : NULL;
}

/* Operator chains with the same tricks, for the fleet's vertex names. */
static const char *const hostile_vertices[] = {
    "Map\x1b[2J\x1b[H\x1b[41m -> Filter",
    "KeyedProcess \xe2\x80\xae"
    "reggolyap\xe2\x80\xac -> Sink",
    "Window\xe2\x80\x8b\xef\xbb\xbf(\x7f) -> Map",
    "Async Wait Operator \xff\xc0\xaf -> Map",
    "Process\x1b]0;pwned\x07\r\n\x08 -> Map",
    "GroupAggregate" LONG512 " -> Map",
};

const char *sim_catalog_hostile_vertex(size_t i) {
    return hostile_vertices[i % COUNT(hostile_vertices)];
}

/* What a failing record or a user's exception message carries into a stack trace. */
static const char *const hostile_messages[] = {
    "\x1b[1;31mCRITICAL\x1b[0m record key \x1b]0;owned\x07\x7f",
    "customer \xe2\x80\xae"
    "3201-dro\xe2\x80\xac\xe2\x81\xa6x\xe2\x81\xa9 not found\r\n\x07",
    "payload \xff\xfe\x80 \xe2\x80\x8b\xef\xbb\xbf\x1b[3J\x1b[2J",
};

const char *sim_catalog_hostile_message(size_t i) {
    return hostile_messages[i % COUNT(hostile_messages)];
}

static const struct sim_operator sources[] = {
    {"Source: KafkaSource-orders -> Timestamps/Watermarks", false},
    {"Source: KafkaSource-events -> Map", false},
    {"Source: Kinesis payments -> Timestamps/Watermarks", false},
    {"Source: mysql-cdc-inventory -> Map", false},
    {"Source: pulsar-clicks -> Filter", false},
    {"Source: Custom Source -> Map", false},
};

static const struct sim_operator middles[] = {
    {"Filter -> Map", false},
    {"KeyedProcess", true},
    {"Window(TumblingEventTimeWindows(60000), EventTimeTrigger, CountAggregate, "
     "PassThroughWindowFunction)",
     true},
    {"Window(SlidingEventTimeWindows(300000, 60000), EventTimeTrigger, ReduceFunction$1, "
     "PassThroughWindowFunction)",
     true},
    {"Async Wait Operator -> Map", false},
    {"IntervalJoin", true},
    {"GroupAggregate(groupBy=[user_id], select=[user_id, COUNT(*) AS cnt])", true},
    {"Map", false},
};

static const struct sim_operator sinks[] = {
    {"Sink: Writer -> Sink: Committer", false}, {"Sink: kafka-enriched", false},
    {"Sink: Elasticsearch7Sink", false},        {"Sink: JdbcSink", false},
    {"Sink: FileSink s3-lake", false},
};

const struct sim_operator *sim_catalog_source(size_t i) { return &sources[i % COUNT(sources)]; }
const struct sim_operator *sim_catalog_middle(size_t i) { return &middles[i % COUNT(middles)]; }
const struct sim_operator *sim_catalog_sink(size_t i) { return &sinks[i % COUNT(sinks)]; }
size_t sim_catalog_source_count(void) { return COUNT(sources); }
size_t sim_catalog_middle_count(void) { return COUNT(middles); }
size_t sim_catalog_sink_count(void) { return COUNT(sinks); }

bool sim_catalog_autoscaled(const char *name) {
    return name != NULL && strcmp(name, "orders-enrichment") == 0;
}
