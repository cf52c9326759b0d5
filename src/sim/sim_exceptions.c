#include "sim_exceptions.h"

#include "sim_model.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_EXCEPTIONS 20
#define TM_DATA_PORT 6121

/* The frames every failing task shares below its operator: the mailbox loop. */
static const char task_frames[] =
    "\tat org.apache.flink.streaming.runtime.io.StreamOneInputProcessor.processInput"
    "(StreamOneInputProcessor.java:65)\n"
    "\tat org.apache.flink.streaming.runtime.tasks.StreamTask.processInput(StreamTask.java:638)\n"
    "\tat org.apache.flink.streaming.runtime.tasks.mailbox.MailboxProcessor.runMailboxLoop"
    "(MailboxProcessor.java:231)\n"
    "\tat org.apache.flink.streaming.runtime.tasks.StreamTask.runMailboxLoop"
    "(StreamTask.java:973)\n"
    "\tat org.apache.flink.streaming.runtime.tasks.StreamTask.invoke(StreamTask.java:917)\n"
    "\tat org.apache.flink.runtime.taskmanager.Task.runWithSystemExitMonitoring(Task.java:970)\n"
    "\tat org.apache.flink.runtime.taskmanager.Task.restoreAndInvoke(Task.java:949)\n"
    "\tat org.apache.flink.runtime.taskmanager.Task.doRun(Task.java:763)\n"
    "\tat org.apache.flink.runtime.taskmanager.Task.run(Task.java:575)\n"
    "\tat java.base/java.lang.Thread.run(Thread.java:840)\n";

static const char *const kind_class[SIM_FAILURE_KIND_COUNT] = {
    [SIM_FAILURE_TM_LOST] = "org.apache.flink.runtime.jobmaster.JobMasterException",
    [SIM_FAILURE_DESERIALIZE] = "java.io.IOException",
    [SIM_FAILURE_NULL_POINTER] =
        "org.apache.flink.streaming.runtime.tasks.ExceptionInChainedOperatorException",
    [SIM_FAILURE_RAW_NULL_POINTER] = "java.lang.NullPointerException",
    [SIM_FAILURE_SINK] = "org.apache.flink.util.FlinkRuntimeException",
    [SIM_FAILURE_COORDINATOR] = "org.apache.flink.util.FlinkException",
};

enum sim_failure_kind sim_exceptions_pick(const struct sim_job *j, int v, struct sim_prng *p) {
    if (v == 0)
        return sim_prng_range(p, 0, 2) == 0 ? SIM_FAILURE_COORDINATOR : SIM_FAILURE_DESERIALIZE;
    if (v == (int)j->n_vertices - 1)
        return SIM_FAILURE_SINK;
    return strstr(j->vertices[v].name, " -> ") != NULL ? SIM_FAILURE_NULL_POINTER
                                                       : SIM_FAILURE_RAW_NULL_POINTER;
}

void sim_exceptions_add(struct sim_exceptions *h, const struct sim_exception *e) {
    if (h->n > 0)
        h->head = (h->head + 1) % SIM_EXCEPTION_HISTORY;
    h->entries[h->head] = *e;
    if (h->n < SIM_EXCEPTION_HISTORY)
        h->n++;
}

/* ---- traces --------------------------------------------------------------------- */

/* A growing string for one trace; owned by the caller of take(). */
struct text {
    char *s;
    size_t len;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    t->s = xrealloc(t->s, t->len + (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static void trace_tm_lost(struct text *t, const struct sim_cluster *c,
                          const struct sim_exception *e) {
    bool pekko = sim_cluster_version_at_least(c, 1, 18);
    const char *rpc = pekko ? "pekko" : "akka";
    const char *actor = pekko ? "PekkoRpcActor" : "AkkaRpcActor";
    const char *pkg = pekko ? "org.apache.pekko" : "akka";
    add(t, "%s: TaskManager with id %s is no longer reachable.\n", kind_class[e->kind], e->tm_id);
    add(t, "\tat org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatListener."
           "notifyTargetUnreachable(JobMaster.java:1599)\n"
           "\tat org.apache.flink.runtime.heartbeat.DefaultHeartbeatMonitor."
           "reportHeartbeatRpcFailure(DefaultHeartbeatMonitor.java:126)\n"
           "\tat org.apache.flink.runtime.heartbeat.HeartbeatManagerImpl."
           "runIfHeartbeatMonitorExists(HeartbeatManagerImpl.java:275)\n"
           "\tat org.apache.flink.runtime.heartbeat.HeartbeatManagerImpl."
           "reportHeartbeatTargetUnreachable(HeartbeatManagerImpl.java:267)\n"
           "\tat org.apache.flink.runtime.heartbeat.HeartbeatManagerImpl."
           "handleHeartbeatRpcFailure(HeartbeatManagerImpl.java:262)\n"
           "\tat java.base/java.util.concurrent.CompletableFuture.uniWhenComplete"
           "(CompletableFuture.java:863)\n");
    add(t,
        "\tat org.apache.flink.runtime.rpc.%s.%s.handleRunAsync(%s.java:460)\n"
        "\tat org.apache.flink.runtime.rpc.%s.%s.handleRpcMessage(%s.java:225)\n"
        "\tat %s.actor.Actor.aroundReceive(Actor.scala:547)\n"
        "\tat %s.actor.ActorCell.invoke(ActorCell.scala:545)\n"
        "\tat %s.dispatch.Mailbox.run(Mailbox.scala:231)\n"
        "\tat java.base/java.util.concurrent.ForkJoinTask.doExec(ForkJoinTask.java:373)\n"
        "\tat java.base/java.lang.Thread.run(Thread.java:840)\n",
        rpc, actor, actor, rpc, actor, actor, pkg, pkg, pkg);
    add(t,
        "Caused by: java.util.concurrent.TimeoutException: Invocation of "
        "[RemoteRpcInvocation(TaskExecutorGateway.heartbeatFromJobManager(ResourceID, "
        "AllocatedSlotReport))] at recipient [%s.tcp://flink@%s:6122/user/rpc/taskmanager_0] "
        "timed out. This is usually caused by: 1) %s failed sending the message silently, due "
        "to problems like oversized payload or serialization failures. In that case, you "
        "should find detailed error information in the logs. 2) The recipient needs more time "
        "for responding, due to problems like slow machines or network jitters. In that case, "
        "you can try to increase %s.ask.timeout.\n"
        "\tat org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatSender."
        "requestHeartbeat(JobMaster.java:1607)\n"
        "\t... 25 more\n",
        rpc, e->host, pekko ? "Pekko" : "Akka", rpc);
}

static void trace_deserialize(struct text *t, const struct sim_exception *e) {
    add(t, "%s: Failed to deserialize consumer record due to\n", kind_class[e->kind]);
    add(t, "\tat org.apache.flink.connector.kafka.source.reader.KafkaRecordEmitter.emitRecord"
           "(KafkaRecordEmitter.java:56)\n"
           "\tat org.apache.flink.connector.kafka.source.reader.KafkaRecordEmitter.emitRecord"
           "(KafkaRecordEmitter.java:33)\n"
           "\tat org.apache.flink.connector.base.source.reader.SourceReaderBase.pollNext"
           "(SourceReaderBase.java:203)\n"
           "\tat org.apache.flink.streaming.api.operators.SourceOperator.emitNext"
           "(SourceOperator.java:422)\n"
           "\tat org.apache.flink.streaming.runtime.io.StreamTaskSourceInput.emitNext"
           "(StreamTaskSourceInput.java:68)\n");
    add(t, "%s", task_frames);
    add(t,
        "Caused by: java.io.IOException: Failed to deserialize JSON "
        "'{\"order_id\":%lld,\"amount\":}'.\n"
        "\tat org.apache.flink.formats.json.JsonRowDataDeserializationSchema.deserialize"
        "(JsonRowDataDeserializationSchema.java:110)\n"
        "\tat org.apache.flink.connector.kafka.source.reader.deserializer."
        "KafkaValueOnlyDeserializationSchemaWrapper.deserialize"
        "(KafkaValueOnlyDeserializationSchemaWrapper.java:51)\n"
        "\tat org.apache.flink.connector.kafka.source.reader.KafkaRecordEmitter.emitRecord"
        "(KafkaRecordEmitter.java:53)\n"
        "\t... 14 more\n"
        "Caused by: org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core."
        "JsonParseException: Unexpected character ('}' (code 125)): expected a value\n"
        " at [Source: UNKNOWN; line: 1, column: 31]\n"
        "\tat org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser."
        "_constructError(JsonParser.java:2477)\n"
        "\tat org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.base."
        "ParserMinimalBase._reportError(ParserMinimalBase.java:750)\n"
        "\t... 17 more\n",
        (long long)e->detail);
}

static const char npe_frames[] =
    "\tat com.example.pipeline.EnrichFunction.processElement(EnrichFunction.java:87)\n"
    "\tat com.example.pipeline.EnrichFunction.processElement(EnrichFunction.java:31)\n"
    "\tat org.apache.flink.streaming.api.operators.KeyedProcessOperator.processElement"
    "(KeyedProcessOperator.java:83)\n";

static const char network_input_frames[] =
    "\tat org.apache.flink.streaming.runtime.tasks.OneInputStreamTask$"
    "StreamTaskNetworkOutput.emitRecord(OneInputStreamTask.java:238)\n"
    "\tat org.apache.flink.streaming.runtime.io.AbstractStreamTaskNetworkInput."
    "processElement(AbstractStreamTaskNetworkInput.java:157)\n"
    "\tat org.apache.flink.streaming.runtime.io.AbstractStreamTaskNetworkInput.emitNext"
    "(AbstractStreamTaskNetworkInput.java:114)\n";

/* User code throws. In an operator chain ("Filter -> Map") the next operator's output
 * wraps it, as Flink's chaining does. */
static void trace_null_pointer(struct text *t, const struct sim_exception *e) {
    add(t, "%s: Could not forward element to next operator\n", kind_class[e->kind]);
    add(t, "\tat org.apache.flink.streaming.runtime.tasks.ChainingOutput.pushToOperator"
           "(ChainingOutput.java:92)\n"
           "\tat org.apache.flink.streaming.runtime.tasks.ChainingOutput.collect"
           "(ChainingOutput.java:50)\n"
           "\tat org.apache.flink.streaming.api.operators.StreamFilter.processElement"
           "(StreamFilter.java:39)\n");
    add(t, "%s%s", network_input_frames, task_frames);
    add(t, "Caused by: java.lang.NullPointerException: Cannot invoke \"String.length()\" because "
           "\"customerId\" is null\n");
    add(t, "%s\t... 16 more\n", npe_frames);
}

static void trace_raw_null_pointer(struct text *t, const struct sim_exception *e) {
    add(t, "%s: Cannot invoke \"String.length()\" because \"customerId\" is null\n",
        kind_class[e->kind]);
    add(t, "%s%s%s", npe_frames, network_input_frames, task_frames);
}

static void trace_sink(struct text *t, const struct sim_job *j, const struct sim_exception *e) {
    const char *sink = e->vertex >= 0 ? j->vertices[e->vertex].name : "";
    long long n = (long long)e->detail;
    if (strstr(sink, "Elasticsearch") != NULL)
        add(t, "%s: Complete bulk has failed.\n", kind_class[e->kind]);
    else if (strstr(sink, "Jdbc") != NULL)
        add(t, "%s: Writing records to JDBC failed.\n", kind_class[e->kind]);
    else if (strstr(sink, "FileSink") != NULL)
        add(t, "%s: Could not close the part file part-%d-%lld.\n", kind_class[e->kind], e->subtask,
            n % 1000);
    else
        add(t,
            "%s: Failed to send data to Kafka enriched-events-%d with "
            "FlinkKafkaInternalProducer{transactionalId='kafka-sink-%d-%lld', "
            "inTransaction=true, closed=false}\n",
            kind_class[e->kind], e->subtask, e->subtask, n % 10000);
    add(t, "\tat org.apache.flink.connector.base.sink.writer.AsyncSinkWriter.flush"
           "(AsyncSinkWriter.java:342)\n"
           "\tat org.apache.flink.streaming.runtime.operators.sink.SinkWriterOperator."
           "processElement(SinkWriterOperator.java:158)\n"
           "\tat org.apache.flink.streaming.runtime.tasks.OneInputStreamTask$"
           "StreamTaskNetworkOutput.emitRecord(OneInputStreamTask.java:238)\n"
           "\tat org.apache.flink.streaming.runtime.io.AbstractStreamTaskNetworkInput.emitNext"
           "(AbstractStreamTaskNetworkInput.java:114)\n");
    add(t, "%s", task_frames);
    if (strstr(sink, "Elasticsearch") != NULL)
        add(t,
            "Caused by: java.net.SocketTimeoutException: 30,000 milliseconds timeout on "
            "connection http-outgoing-%lld [ACTIVE]\n"
            "\tat org.apache.http.nio.protocol.HttpAsyncRequestExecutor.timeout"
            "(HttpAsyncRequestExecutor.java:387)\n"
            "\t... 11 more\n",
            n % 64);
    else if (strstr(sink, "Jdbc") != NULL)
        add(t,
            "Caused by: java.sql.BatchUpdateException: Batch entry 0 INSERT INTO orders_enriched "
            "VALUES (%lld, ...) was aborted: ERROR: deadlock detected  Call getNextException "
            "to see other errors in the batch.\n"
            "\tat org.postgresql.jdbc.BatchResultHandler.handleError"
            "(BatchResultHandler.java:165)\n"
            "\t... 9 more\n",
            n);
    else if (strstr(sink, "FileSink") != NULL)
        add(t, "Caused by: java.io.IOException: com.amazonaws.SdkClientException: Unable to "
               "execute HTTP request: Read timed out\n"
               "\tat org.apache.flink.fs.s3.common.writer.S3RecoverableFsDataOutputStream."
               "closeForCommit(S3RecoverableFsDataOutputStream.java:197)\n"
               "\t... 10 more\n");
    else
        add(t,
            "Caused by: org.apache.kafka.common.errors.TimeoutException: Expiring %lld "
            "record(s) for enriched-events-%d:120001 ms has passed since batch creation\n",
            n % 500 + 1, e->subtask);
}

static void trace_coordinator(struct text *t, const struct sim_job *j,
                              const struct sim_exception *e) {
    add(t, "%s: Global failure triggered by OperatorCoordinator for '%s' (operator %s).\n",
        kind_class[e->kind], j->vertices[0].name, j->vertices[0].id);
    add(t, "\tat org.apache.flink.runtime.operators.coordination.OperatorCoordinatorHolder$"
           "LazyInitializedCoordinatorContext.failJob(OperatorCoordinatorHolder.java:651)\n"
           "\tat org.apache.flink.runtime.operators.coordination."
           "RecreateOnResetOperatorCoordinator$QuiesceableContext.failJob"
           "(RecreateOnResetOperatorCoordinator.java:259)\n"
           "\tat org.apache.flink.runtime.source.coordinator.SourceCoordinatorContext.failJob"
           "(SourceCoordinatorContext.java:432)\n"
           "\tat org.apache.flink.runtime.source.coordinator.SourceCoordinatorContext."
           "handleUncaughtExceptionFromAsyncCall(SourceCoordinatorContext.java:445)\n"
           "\tat org.apache.flink.util.ThrowableCatchingRunnable.run"
           "(ThrowableCatchingRunnable.java:42)\n"
           "\tat java.base/java.util.concurrent.ThreadPoolExecutor.runWorker"
           "(ThreadPoolExecutor.java:1136)\n"
           "\tat java.base/java.lang.Thread.run(Thread.java:840)\n"
           "Caused by: org.apache.flink.util.FlinkRuntimeException: Failed to list subscribed "
           "topic partitions due to \n"
           "\tat org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator."
           "checkPartitionChanges(KafkaSourceEnumerator.java:243)\n"
           "\tat org.apache.flink.runtime.source.coordinator.ExecutorNotifier.lambda$null$1"
           "(ExecutorNotifier.java:83)\n"
           "\t... 6 more\n"
           "Caused by: java.lang.RuntimeException: Failed to get metadata for topics [events].\n"
           "\tat org.apache.flink.connector.kafka.source.enumerator.subscriber."
           "KafkaSubscriberUtils.getTopicMetadata(KafkaSubscriberUtils.java:47)\n"
           "\t... 8 more\n"
           "Caused by: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a "
           "node assignment. Call: describeTopics\n");
}

/* Returns the owned trace of e. */
static char *trace(const struct sim_cluster *c, const struct sim_job *j,
                   const struct sim_exception *e) {
    struct text t = {0};
    switch (e->kind) {
    case SIM_FAILURE_TM_LOST:
        trace_tm_lost(&t, c, e);
        break;
    case SIM_FAILURE_DESERIALIZE:
        trace_deserialize(&t, e);
        break;
    case SIM_FAILURE_NULL_POINTER:
        trace_null_pointer(&t, e);
        break;
    case SIM_FAILURE_RAW_NULL_POINTER:
        trace_raw_null_pointer(&t, e);
        break;
    case SIM_FAILURE_SINK:
        trace_sink(&t, j, e);
        break;
    default:
        trace_coordinator(&t, j, e);
        break;
    }
    if (t.s == NULL)
        return xstrdup("");
    /* --hostile-names on the fleet: the message names what failed, escapes and all */
    char *nl = j->hostile ? strchr(t.s, '\n') : NULL;
    if (nl != NULL) {
        char *out = xasprintf("%.*s (%s)%s", (int)(nl - t.s), t.s,
                              sim_catalog_hostile_message((size_t)e->detail), nl);
        free(t.s);
        return out;
    }
    return t.s;
}

char *sim_exceptions_trace(const struct sim_cluster *c, const struct sim_job *j,
                           const struct sim_exception *e) {
    return trace(c, j, e);
}

/* The failure that ended the job, as the 1.x root-exception shows it. Owned. */
static char *job_failure(const struct sim_exception *e, const char *cause) {
    return xasprintf(
        "org.apache.flink.runtime.JobException: Recovery is suppressed by "
        "ExponentialDelayRestartBackoffTimeStrategy(initialBackoffMS=1000, maxBackoffMS=300000, "
        "backoffMultiplier=2.0, resetBackoffThresholdMS=3600000, jitterFactor=0.1, "
        "currentBackoffMS=300000, attemptsBeforeResetBackoff=10, lastFailureTimestamp=%lld)\n"
        "\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler."
        "handleFailure(ExecutionFailureHandler.java:219)\n"
        "\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler."
        "getFailureHandlingResult(ExecutionFailureHandler.java:166)\n"
        "\tat org.apache.flink.runtime.scheduler.DefaultScheduler.recordTaskFailure"
        "(DefaultScheduler.java:302)\n"
        "Caused by: %s",
        (long long)e->timestamp, cause);
}

/* ---- wire shape ----------------------------------------------------------------- */

static char *task_name(const struct sim_job *j, const struct sim_exception *e) {
    const struct sim_vertex *vx = &j->vertices[e->vertex];
    return xasprintf("%s (%d/%d)#%d", vx->name, e->subtask + 1, vx->parallelism, e->attempt);
}

static void add_str_or_null(cJSON *o, const char *key, const char *v) {
    if (v != NULL)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *entry_json(const struct sim_cluster *c, const struct sim_job *j,
                         const struct sim_exception *e) {
    bool task = e->vertex >= 0;
    char *name = task ? task_name(j, e) : NULL;
    char *where = task ? xasprintf("%s:%d", e->host, TM_DATA_PORT) : NULL;
    char *text = trace(c, j, e);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "exceptionName", kind_class[e->kind]);
    cJSON_AddStringToObject(o, "stacktrace", text);
    cJSON_AddNumberToObject(o, "timestamp", (double)e->timestamp);
    add_str_or_null(o, "taskName", name);
    /* location until 2.0, endpoint from 1.19: both in 1.19 and 1.20. */
    if (!sim_cluster_version_at_least(c, 2, 0))
        add_str_or_null(o, "location", where);
    if (sim_cluster_version_at_least(c, 1, 19))
        add_str_or_null(o, "endpoint", where);
    if (sim_cluster_version_at_least(c, 1, 17))
        add_str_or_null(o, "taskManagerId", task && e->tm_id[0] != '\0' ? e->tm_id : NULL);
    if (sim_cluster_version_at_least(c, 1, 18))
        cJSON_AddObjectToObject(o, "failureLabels");
    cJSON_AddArrayToObject(o, "concurrentExceptions");
    free(name);
    free(where);
    free(text);
    return o;
}

static const struct sim_exception *nth_newest(const struct sim_exceptions *h, size_t i) {
    return &h->entries[(h->head + SIM_EXCEPTION_HISTORY - i) % SIM_EXCEPTION_HISTORY];
}

/* The deprecated pre-1.13 members, still served by 1.x: the latest failure. */
static void add_root_fields(cJSON *o, const struct sim_cluster *c, const struct sim_job *j) {
    const struct sim_exceptions *h = &j->exceptions;
    cJSON *all = NULL;
    if (h->n == 0) {
        cJSON_AddNullToObject(o, "root-exception");
        cJSON_AddNullToObject(o, "timestamp");
        cJSON_AddArrayToObject(o, "all-exceptions");
        cJSON_AddBoolToObject(o, "truncated", false);
        return;
    }
    const struct sim_exception *e = nth_newest(h, 0);
    char *cause = trace(c, j, e);
    bool ended = e->final && j->state == SIM_JOB_FAILED;
    char *root = ended ? job_failure(e, cause) : NULL;
    cJSON_AddStringToObject(o, "root-exception", root != NULL ? root : cause);
    cJSON_AddNumberToObject(o, "timestamp", (double)e->timestamp);
    all = cJSON_AddArrayToObject(o, "all-exceptions");
    /* A failed job lists the task that failed in its final attempt. */
    if (ended && e->vertex >= 0) {
        char *name = task_name(j, e);
        char *where = xasprintf("%s:%d", e->host, TM_DATA_PORT);
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "exception", cause);
        cJSON_AddStringToObject(x, "task", name);
        cJSON_AddStringToObject(x, "location", where);
        cJSON_AddNumberToObject(x, "timestamp", (double)e->timestamp);
        if (sim_cluster_version_at_least(c, 1, 17))
            cJSON_AddStringToObject(x, "taskManagerId", e->tm_id);
        cJSON_AddItemToArray(all, x);
        free(name);
        free(where);
    }
    cJSON_AddBoolToObject(o, "truncated", false);
    free(root);
    free(cause);
}

void sim_exceptions_render(const struct sim_cluster *c, const struct sim_job *j, int max,
                           struct sim_reply *r) {
    const struct sim_exceptions *h = &j->exceptions;
    if (max < 0)
        max = DEFAULT_MAX_EXCEPTIONS;
    cJSON *o = cJSON_CreateObject();
    if (!sim_cluster_version_at_least(c, 2, 0))
        add_root_fields(o, c, j);
    cJSON *hist = cJSON_AddObjectToObject(o, "exceptionHistory");
    cJSON *entries = cJSON_AddArrayToObject(hist, "entries");
    for (size_t i = 0; i < h->n && i < (size_t)max; i++)
        cJSON_AddItemToArray(entries, entry_json(c, j, nth_newest(h, i)));
    cJSON_AddBoolToObject(hist, "truncated", h->n > (size_t)max);
    sim_reply_json(r, 200, o);
}
