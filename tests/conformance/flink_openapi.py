#!/usr/bin/env python3
"""Checks flinktop-sim's Flink REST answers against Flink's own OpenAPI specs.

For every simulated cluster (each runs one Flink version), every GET path of that
version's spec (specs/rest_v1_dispatcher-<version>-branchcut.yml) is requested with its
path parameters filled from earlier answers (job ids, vertex ids, subtask indexes and
attempts, task manager ids, checkpoint ids, savepoint trigger ids, jar and data set ids),
and each 200 body is validated against the path's response schema: types, required
fields, enums, patterns, nested objects and arrays, additionalProperties maps, the
checkpoint discriminator, and no property the schema does not name. Error answers must
carry Flink's {"errors": [...]} body.

Where the real wire format differs from the spec (specs/FLINK-API.md), the difference is
one named entry of QUIRKS with its reason; nothing else is excused.

usage: flink_openapi.py --url http://127.0.0.1:PORT --specs DIR [--cache DIR]
Prints one line per cluster and every violation; exits 1 on any violation.
"""

import argparse
import http.client
import json
import os
import re
import sys
import urllib.parse

import yaml


class Quirk:
    """A documented difference between the spec and the wire format.

    kind:
      'response'  the whole body of paths matching `path` follows `schema` (a JSON schema
                  built here) instead of the spec's;
      'value'     at a property `prop` of schema `schema`, a value for which accept(v)
                  is true is valid although the spec's type, enum or pattern says no;
      'extra'     schema `schema` may carry property `prop`, which the spec leaves out;
      'null'      property `prop` of schema `schema` may be JSON null;
      'substitute' property `prop` of schema `schema` follows `replacement`
                  ("VERSION:SchemaName") instead of what the spec says;
      'mapping'   schema `schema`'s discriminator has no mapping in the spec: the
                  replacement dict maps its values to schema names.
    since/until: the Flink versions (inclusive) the quirk applies to; None = open.
    """

    def __init__(self, name, reason, kind, schema=None, prop=None, path=None, accept=None,
                 replacement=None, since=None, until=None):
        self.name, self.reason, self.kind = name, reason, kind
        self.schema, self.prop, self.path = schema, prop, path
        self.accept, self.replacement = accept, replacement
        self.since, self.until = since, until
        self.used = False

    def active(self, version):
        return ((self.since is None or version >= self.since) and
                (self.until is None or version <= self.until))


METRIC_ARRAY = {"type": "array", "items": {"$ref": "#/components/schemas/Metric"}}
AGGREGATED_ARRAY = {
    "type": "array",
    "items": {
        "type": "object", "required": ["id"],
        "properties": {"id": {"type": "string"}, "min": {"type": "number"},
                       "max": {"type": "number"}, "avg": {"type": "number"},
                       "sum": {"type": "number"}, "skew": {"type": "number"}},
    },
}
HEX32 = re.compile(r"[0-9a-f]{32}")


def is_nan_string(v):
    return v == "NaN"


# Every exception the validator makes, with its reason (specs/FLINK-API.md section named).
QUIRKS = [
    Quirk("aggregated-metrics-bare-array",
          "FLINK-API.md 2.7: aggregated metric endpoints (/jobs/metrics, /taskmanagers/metrics, "
          ".../subtasks/metrics) answer a bare array of {id, min, max, avg, sum, skew}; the "
          "spec only says 'object'",
          "response", path=r"(/jobs/metrics|/taskmanagers/metrics|.*/subtasks/metrics)$",
          replacement=AGGREGATED_ARRAY),
    Quirk("metrics-bare-array",
          "FLINK-API.md 2.7: metric endpoints answer a bare JSON array of {id, value}, "
          "not the spec's {\"metrics\": [...]}",
          "response", path=r".*/(metrics|watermarks|jm-operator-metrics)$",
          replacement=METRIC_ARRAY),
    Quirk("nan-as-string",
          "FLINK-API.md 2.4/2.6: Jackson writes an unmeasured busy time (Double.NaN) as the "
          "JSON string \"NaN\" in a numeric field",
          "value", schema="*", prop=("accumulated-busy-time", "busyRatio"),
          accept=is_nan_string),
    Quirk("taskmanager-id-not-hex",
          "FLINK-API.md 1.1: task manager resource ids are pod names on Kubernetes, not the "
          "spec's [0-9a-f]{32}",
          "value", schema="ResourceID", prop="*", accept=lambda v: isinstance(v, str)),
    Quirk("slot-sharing-group-hex",
          "FLINK-API.md 2.4: vertices' slotSharingGroupId is a 32-hex string on the wire "
          "(custom serializer); the spec shows {bytes, lowerPart, upperPart}",
          "value", schema="JobDetailsVertexInfo", prop="slotSharingGroupId",
          accept=lambda v: isinstance(v, str) and HEX32.fullmatch(v) is not None),
    Quirk("checkpoint-mode-lower-case",
          "FLINK-API.md 2.9: checkpoint config mode is lower case on the wire "
          "(exactly_once / at_least_once); the spec's enum is upper case",
          "value", schema="CheckpointConfigInfo", prop="mode",
          accept=lambda v: v in ("exactly_once", "at_least_once")),
    Quirk("failure-cause-fields",
          "FLINK-API.md 1.3: a failure-cause carries `class` and `stack-trace` beside "
          "`serialized-throwable`; the spec lists only the last",
          "extra", schema="SerializedThrowable", prop=("class", "stack-trace")),
    Quirk("backpressure-legacy-level",
          "FLINK-API.md 2.6: `backpressure-level` is still emitted (hidden) next to "
          "`backpressureLevel` from 1.17, and is the only name before",
          "extra", schema=("JobVertexBackPressureInfo", "SubtaskBackPressureInfo"),
          prop="backpressure-level"),
    Quirk("subtask-start_time-duplicate",
          "FLINK-API.md 2.5: subtask details also carry the hidden compatibility duplicate "
          "`start_time` of `start-time`",
          "extra", schema="SubtaskExecutionAttemptDetailsInfo", prop="start_time"),
    Quirk("async-operation-null",
          "FLINK-API.md 1.3: `operation` is serialised as null while the operation is in "
          "progress",
          "null", schema="AsynchronousOperationResult", prop="operation"),
    Quirk("latest-checkpoints-null",
          "FLINK-API.md 2.8: latest.completed, savepoint, failed and restored are null "
          "before there is one",
          "null", schema="LatestCheckpoints", prop="*"),
    Quirk("exception-nullable-fields",
          "FLINK-API.md 2.10: taskName, location/endpoint and taskManagerId are null for a "
          "global failure; the deprecated root fields are null in 1.x without a failure",
          "null", schema=("ExceptionInfo", "RootExceptionInfo", "JobExceptionsInfoWithHistory"),
          prop=("taskName", "location", "endpoint", "taskManagerId", "root-exception",
                "timestamp")),
    Quirk("savepoint-format-null",
          "FLINK-API.md 2.8: savepointFormat is null for checkpoints (it names a savepoint's "
          "format)",
          "null", schema=("CheckpointStatistics", "CompletedCheckpointStatistics",
                          "FailedCheckpointStatistics", "PendingCheckpointStatistics"),
          prop="savepointFormat"),
    Quirk("resource-requirements-map",
          "FLINK-API.md 2.15: the body is a map keyed by vertex id; the 1.18/1.19 spec shows "
          "it as {parallelism: ...}",
          "response", path=r"/jobs/[0-9a-f]{32}/resource-requirements$",
          replacement={"type": "object", "additionalProperties":
                       {"type": "object", "required": ["parallelism"], "properties": {
                           "parallelism": {"type": "object",
                                           "required": ["lowerBound", "upperBound"],
                                           "properties": {
                                               "lowerBound": {"type": "integer"},
                                               "upperBound": {"type": "integer"}}}}}}),
    Quirk("job-details-1.15-names",
          "FLINK-API.md 2.3: the 1.15/1.16 specs document /jobs/overview with Java getter "
          "names (doc bug FLINK-29423, fixed in 1.17); the wire has always had the 1.17 shape",
          "response", path=r"/jobs/overview$", replacement="1.17:MultipleJobsDetails",
          until=(1, 16)),
    Quirk("summary-name-collision",
          "the 1.15-1.17 spec generator gave two classes the one name `Summary`, and kept "
          "the subtask-details one; the checkpoint summary is 1.18's CheckpointStatisticsSummary "
          "(FLINK-API.md 2.8)",
          "substitute", schema="CheckpointingStatistics", prop="summary",
          replacement="1.18:CheckpointStatisticsSummary", until=(1, 17)),
    Quirk("discriminator-mapping-missing",
          "the 1.15-1.18 specs name the className discriminator without its mapping; the "
          "values map to these schemas as in 1.19 (FLINK-API.md 2.8)",
          "mapping", schema=("CheckpointStatistics", "SubtaskCheckpointStatistics"),
          replacement={"CheckpointStatistics": {"completed": "CompletedCheckpointStatistics",
                                                "failed": "FailedCheckpointStatistics",
                                                "in_progress": "PendingCheckpointStatistics"},
                       "SubtaskCheckpointStatistics": {
                           "completed": "CompletedSubtaskCheckpointStatistics",
                           "pending": "PendingSubtaskCheckpointStatistics"}},
          until=(1, 18)),
    Quirk("subtask-summary-name-collision",
          "in the 1.15-1.17 specs the per-vertex checkpoint details' summary is the colliding "
          "`Summary` whose checkpoint_duration/alignment name the per-subtask classes; it is "
          "1.18's TaskCheckpointStatisticsWithSubtaskDetailsSummary",
          "substitute", schema="TaskCheckpointStatisticsWithSubtaskDetails", prop="summary",
          replacement="1.18:TaskCheckpointStatisticsWithSubtaskDetailsSummary", until=(1, 17)),
    Quirk("vertex-taskmanagers-name-collision",
          "in the 1.15-1.17 specs the vertex's task managers list names the /taskmanagers class "
          "TaskManagersInfo; the items are 1.18's JobVertexTaskManagerInfo",
          "substitute", schema="JobVertexTaskManagersInfo", prop="taskmanagers",
          replacement="1.18:JobVertexTaskManagerInfo[]", until=(1, 17)),
    Quirk("job-result-wire-names",
          "JobResult has its own serializer (JobResultSerializer) writing id, "
          "application-status, accumulator-results, net-runtime and failure-cause (class, "
          "stack-trace, serialized-throwable); the spec shows the Java names and the REST "
          "snapshot types it 'any'. Not yet in FLINK-API.md",
          "response", path=r"/jobs/[0-9a-f]{32}/execution-result$",
          replacement={"type": "object", "required": ["status"], "properties": {
              "status": {"$ref": "#/components/schemas/QueueStatus"},
              "job-execution-result": {
                  "type": "object",
                  "required": ["id", "application-status", "accumulator-results",
                               "net-runtime"],
                  "properties": {
                      "id": {"$ref": "#/components/schemas/JobID"},
                      "application-status": {"type": "string",
                                             "enum": ["SUCCEEDED", "FAILED", "CANCELED",
                                                      "UNKNOWN"]},
                      "accumulator-results": {"type": "object", "additionalProperties": {
                          "type": "string"}},
                      "net-runtime": {"type": "integer"},
                      "failure-cause": {"type": "object",
                                        "required": ["class", "stack-trace"],
                                        "properties": {
                                            "class": {"type": "string"},
                                            "stack-trace": {"type": "string"},
                                            "serialized-throwable": {"type": "string"}}}}}}}),
    Quirk("job-config-wire-names",
          "JobConfigInfo has its own Jackson serializer writing jid, name and execution-config "
          "(the REST snapshot rest_api_v1.snapshot-master.json types it 'any'); the spec shows "
          "the Java names jobId, jobName, executionConfigInfo. Not yet in FLINK-API.md",
          "response", path=r"/jobs/[0-9a-f]{32}/config$",
          replacement={"type": "object", "required": ["jid", "name", "execution-config"],
                       "properties": {
                           "jid": {"$ref": "#/components/schemas/JobID"},
                           "name": {"type": "string"},
                           "execution-config": {"$ref": "#/components/schemas/ExecutionConfigInfo"}}}),
    Quirk("job-vertex-name-collision",
          "in the 1.15-1.17 specs the job details' vertices reuse the name "
          "JobVertexDetailsInfo of the vertex endpoint's class; they are 1.18's "
          "JobDetailsVertexInfo (FLINK-API.md 2.4)",
          "substitute", schema="JobDetailsInfo", prop="vertices",
          replacement="1.18:JobDetailsVertexInfo[]", until=(1, 17)),
    Quirk("plan-is-json",
          "FLINK-API.md 2.4: the job details' plan is a JSON object on the wire (a RawJson "
          "serializer); the specs before 1.18 call it a string",
          "value", schema="JobDetailsInfo", prop="plan", accept=lambda v: isinstance(v, dict),
          until=(1, 17)),
    Quirk("exception-task-manager-id-1.17",
          "FLINK-API.md 2.10: exception entries carry taskManagerId from 1.17; the 1.17 "
          "branch-cut spec was generated before it",
          "extra", schema=("ExceptionInfo", "RootExceptionInfo"), prop="taskManagerId",
          since=(1, 17), until=(1, 17)),
    Quirk("checkpointed-size-1.15",
          "FLINK-API.md 2.8: checkpointed_size is on the wire from 1.15; the 1.15 branch-cut "
          "spec was generated before it was added",
          "extra", schema=("CheckpointStatistics", "CompletedCheckpointStatistics",
                           "FailedCheckpointStatistics", "PendingCheckpointStatistics",
                           "TaskCheckpointStatistics", "TaskCheckpointStatisticsWithSubtaskDetails",
                           "CompletedSubtaskCheckpointStatistics"),
          prop="checkpointed_size", since=(1, 15), until=(1, 15)),
]

# Paths that must answer 200 on every version whose spec has them (the Web UI's and
# flinktop's, issues 13 and 14). Others are checked when served and listed when not.
REQUIRED = [
    "/config", "/overview", "/jobs", "/jobs/overview", "/jobs/metrics", "/jobs/{jobid}",
    "/jobs/{jobid}/vertices/{vertexid}", "/jobs/{jobid}/vertices/{vertexid}/taskmanagers",
    "/jobs/{jobid}/vertices/{vertexid}/watermarks",
    "/jobs/{jobid}/vertices/{vertexid}/accumulators",
    "/jobs/{jobid}/vertices/{vertexid}/subtasktimes",
    "/jobs/{jobid}/vertices/{vertexid}/subtasks/{subtaskindex}",
    "/jobs/{jobid}/vertices/{vertexid}/subtasks/{subtaskindex}/attempts/{attempt}",
    "/jobs/{jobid}/vertices/{vertexid}/backpressure",
    "/jobs/{jobid}/vertices/{vertexid}/metrics",
    "/jobs/{jobid}/vertices/{vertexid}/subtasks/metrics",
    "/jobs/{jobid}/checkpoints", "/jobs/{jobid}/checkpoints/config",
    "/jobs/{jobid}/checkpoints/details/{checkpointid}",
    "/jobs/{jobid}/checkpoints/details/{checkpointid}/subtasks/{vertexid}",
    "/jobs/{jobid}/config", "/jobs/{jobid}/plan", "/jobs/{jobid}/accumulators",
    "/jobs/{jobid}/exceptions", "/jobs/{jobid}/savepoints/{triggerid}",
    "/jobmanager/config", "/jobmanager/metrics", "/jobmanager/logs", "/jobmanager/thread-dump",
    "/taskmanagers", "/taskmanagers/metrics", "/taskmanagers/{taskmanagerid}",
    "/taskmanagers/{taskmanagerid}/metrics", "/taskmanagers/{taskmanagerid}/logs",
    "/taskmanagers/{taskmanagerid}/thread-dump", "/datasets", "/jars",
]


def version_tuple(s):
    parts = s.split(".")
    return int(parts[0]), int(parts[1])


class Validator:
    def __init__(self, spec, version, specs):
        self.spec, self.version, self.specs = spec, version, specs
        self.errors = []

    def quirks(self, kind, schema_name, prop):
        for q in QUIRKS:
            if q.kind != kind or not q.active(self.version):
                continue
            names = q.schema if isinstance(q.schema, tuple) else (q.schema,)
            props = q.prop if isinstance(q.prop, tuple) else (q.prop,)
            if ("*" in names or schema_name in names) and (
                    prop is None or "*" in props or prop in props):
                yield q

    def resolve(self, schema, name, spec=None):
        spec = spec or self.spec
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            schema = spec["components"]["schemas"][name]
        return schema, name

    def fail(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def check(self, v, schema, where, name=None, prop=None, parent=None, spec=None,
              dispatch=True):
        """v against schema; name: the nearest named schema, prop: the property v is
        under, parent: the named schema holding that property."""
        spec = spec or self.spec
        schema, name = self.resolve(schema, name, spec)
        # A discriminator picks the concrete schema from the value (checkpoints).
        disc = schema.get("discriminator")
        if dispatch and disc is not None and isinstance(v, dict):
            key = v.get(disc["propertyName"])
            mapping = disc.get("mapping")
            for q in self.quirks("mapping", name, None):
                if mapping is None and name in q.replacement:
                    q.used = True
                    mapping = {k: "#/components/schemas/" + n
                               for k, n in q.replacement[name].items()}
            target = (mapping or {}).get(key)
            if target is None:
                self.fail(where, f"{disc['propertyName']}={key!r} names no schema of {name}")
                return
            self.check(v, {"$ref": target}, where, None, prop, parent, spec, dispatch=False)
            return
        if "allOf" in schema:
            merged = {"type": "object", "properties": {}, "required": []}
            for part in schema["allOf"]:
                p, _ = self.resolve(part, None, spec)
                merged["properties"].update(p.get("properties", {}))
                merged["required"] += p.get("required", [])
            schema = merged
        if v is None:
            for q in self.quirks("null", parent, prop):
                q.used = True
                return
            self.fail(where, f"null where {name or schema.get('type')} is expected")
            return
        if "oneOf" in schema:
            sub = []
            for alt in schema["oneOf"]:
                probe = Validator(spec, self.version, self.specs)
                probe.check(v, alt, where, None, prop, parent, spec)
                if not probe.errors:
                    return
                sub.append(probe.errors[0])
            self.fail(where, "matches no alternative of oneOf: " + "; ".join(sub))
            return
        t = schema.get("type")
        ok = True
        if t == "integer":
            ok = isinstance(v, int) and not isinstance(v, bool)
        elif t == "number":
            ok = isinstance(v, (int, float)) and not isinstance(v, bool)
        elif t == "string":
            ok = isinstance(v, str)
        elif t == "boolean":
            ok = isinstance(v, bool)
        elif t == "array":
            ok = isinstance(v, list)
        elif t == "object":
            ok = isinstance(v, dict)
        if ok and "enum" in schema and v not in schema["enum"]:
            ok = False
        if ok and "pattern" in schema and isinstance(v, str) and not re.fullmatch(
                schema["pattern"], v):
            ok = False
        if not ok:
            for q in list(self.quirks("value", parent, prop)) + list(
                    self.quirks("value", name, "*")):
                if q.accept(v):
                    q.used = True
                    return
            self.fail(where, f"{json.dumps(v)[:80]} is not a valid {name or t}"
                      f"{' ' + str(schema.get('enum')) if 'enum' in schema else ''}"
                      f"{' /' + schema['pattern'] + '/' if 'pattern' in schema else ''}")
            return
        if t == "array":
            for i, item in enumerate(v):
                self.check(item, schema.get("items", {}), f"{where}[{i}]", None, prop, parent,
                           spec)
        elif isinstance(v, dict):
            props = schema.get("properties")
            for r in schema.get("required", []):
                if r not in v:
                    self.fail(where, f"required field {r!r} of {name} is missing")
            for k, item in v.items():
                subst = list(self.quirks("substitute", name, k))
                if subst:
                    subst[0].used = True
                    ver, sname = subst[0].replacement.split(":")
                    ref = {"$ref": "#/components/schemas/" + sname.rstrip("[]")}
                    if sname.endswith("[]"):
                        ref = {"type": "array", "items": ref}
                    sub = Validator(self.specs[ver], self.version, self.specs)
                    sub.check(item, ref, f"{where}.{k}")
                    self.errors += sub.errors
                elif props is not None and k in props:
                    self.check(item, props[k], f"{where}.{k}", None, k, name, spec)
                elif isinstance(schema.get("additionalProperties"), dict):
                    self.check(item, schema["additionalProperties"], f"{where}.{k}", None, k,
                               name, spec)
                elif props is not None:
                    extra = list(self.quirks("extra", name, k))
                    if extra:
                        for q in extra:
                            q.used = True
                    else:
                        self.fail(where, f"field {k!r} is not in {name}")

    def response_schema(self, path, spec_path):
        for q in QUIRKS:
            if q.kind == "response" and q.active(self.version) and re.fullmatch(q.path, path):
                q.used = True
                if isinstance(q.replacement, str):
                    ver, name = q.replacement.split(":")
                    return {"$ref": "#/components/schemas/" + name}, self.specs[ver]
                return q.replacement, self.spec
        op = self.spec["paths"][spec_path]["get"]
        content = op["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        return schema, self.spec


class Client:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.conn = None
        self.requests = 0

    def request(self, method, path, body=None):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                headers = {"Content-Type": "application/json"} if body is not None else {}
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                self.requests += 1
                return resp.status, data
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        return None, b""

    def get_json(self, path):
        status, data = self.request("GET", path)
        try:
            return status, json.loads(data)
        except ValueError:
            return status, None


def fills(client, base, version):
    """The values to put into each path parameter, read from the cluster's own answers."""
    f = {"jobs": [], "tms": [], "jars": [], "datasets": []}
    _, jobs = client.get_json(base + "/jobs/overview")
    for j in (jobs or {}).get("jobs", []):
        jid = j["jid"]
        _, d = client.get_json(f"{base}/jobs/{jid}")
        job = {"jid": jid, "vertices": [], "checkpoints": [], "triggers": []}
        for v in (d or {}).get("vertices", []):
            _, vd = client.get_json(f"{base}/jobs/{jid}/vertices/{v['id']}")
            subtasks = [(s.get("subtask"), s.get("attempt")) for s in
                        (vd or {}).get("subtasks", [])]
            if not subtasks:  # not served: try index 0, attempt 0
                subtasks = [(0, 0)]
            job["vertices"].append({"id": v["id"], "subtasks": subtasks[:1] + subtasks[-1:]})
        _, cps = client.get_json(f"{base}/jobs/{jid}/checkpoints")
        seen = set()
        for cp in (cps or {}).get("history", []) if isinstance(cps, dict) else []:
            # One of each status is enough (completed, failed, in progress, savepoint).
            key = (cp.get("status"), cp.get("is_savepoint"))
            if key not in seen:
                seen.add(key)
                job["checkpoints"].append(cp["id"])
        if j.get("state") == "RUNNING":
            status, data = client.request("POST", f"{base}/jobs/{jid}/savepoints",
                                          json.dumps({"target-directory": "s3://conformance/sp"}))
            if status == 202:
                job["triggers"].append(json.loads(data)["request-id"])
        f["jobs"].append(job)
    _, tms = client.get_json(base + "/taskmanagers")
    f["tms"] = [t["id"] for t in (tms or {}).get("taskmanagers", [])]
    _, jars = client.get_json(base + "/jars")
    if isinstance(jars, dict):
        f["jars"] = [j["id"] for j in jars.get("files", [])]
    _, ds = client.get_json(base + "/datasets")
    if isinstance(ds, dict):
        f["datasets"] = [d["id"] for d in ds.get("dataSets", [])]
    return f


def expand(spec_path, f):
    """Every concrete path for spec_path (a list; empty when a parameter has no value)."""
    params = re.findall(r"\{(\w+)\}", spec_path)
    if not params:
        return [spec_path]
    out = []

    def sub(p, **kv):
        for k, v in kv.items():
            p = p.replace("{" + k + "}", urllib.parse.quote(str(v), safe=""))
        return p

    job_params = {"jobid", "vertexid", "subtaskindex", "attempt", "checkpointid", "triggerid"}
    if "jobid" in params:
        for job in f["jobs"]:
            combos = [{"jobid": job["jid"]}]
            if "vertexid" in params:
                combos = [dict(c, vertexid=v["id"], _v=v) for c in combos
                          for v in job["vertices"]]
            if "subtaskindex" in params:
                combos = [dict(c, subtaskindex=s, attempt=a) for c in combos
                          for s, a in c["_v"]["subtasks"]]
            if "checkpointid" in params:
                combos = [dict(c, checkpointid=cp) for c in combos for cp in job["checkpoints"]]
            if "triggerid" in params:
                if "savepoints" not in spec_path:
                    continue  # checkpoint, rescaling triggers: none made here
                combos = [dict(c, triggerid=t) for c in combos for t in job["triggers"]]
            if "taskmanagerid" in params:
                combos = [dict(c, taskmanagerid=t) for c in combos for t in f["tms"]]
            for c in combos:
                c.pop("_v", None)
                if set(params) - job_params - {"taskmanagerid"}:
                    continue
                out.append(sub(spec_path, **{k: v for k, v in c.items() if k in params}))
    elif params == ["taskmanagerid"]:
        out = [sub(spec_path, taskmanagerid=t) for t in f["tms"]]
    elif params == ["jarid"]:
        out = [sub(spec_path, jarid=j) for j in f["jars"]]
    elif params == ["datasetid"]:
        out = [sub(spec_path, datasetid=d) for d in f["datasets"]]
    return out


def metric_queries(client, base, path):
    """A metric path without get= (the list of ids) and with get= the first few ids."""
    queries = [path]
    _, listing = client.get_json(base + path)
    if isinstance(listing, list) and listing:
        ids = [m["id"] for m in listing[:4] if isinstance(m, dict) and "id" in m]
        queries.append(path + "?get=" + urllib.parse.quote(",".join(ids), safe=","))
    return queries


def load_spec(name, cache):
    """One spec file as Python data. With a cache directory (--cache), the parsed document is
    kept there as JSON: a run after the first reads that (YAML costs 10 times as much)."""
    cached = os.path.join(cache, os.path.basename(name) + ".json") if cache else None
    if cached and os.path.exists(cached) and os.path.getmtime(cached) >= os.path.getmtime(name):
        with open(cached) as fh:
            return json.load(fh)
    with open(name) as fh:  # libyaml's parser where there is one: the same documents, faster
        spec = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if cached:
        tmp = f"{cached}.{os.getpid()}"
        with open(tmp, "w") as fh:
            json.dump(spec, fh)
        os.replace(tmp, cached)  # whole or not at all: another run may read it meanwhile
    return spec


def load_specs(specs_dir, versions, cache=None):
    specs = {}
    for v in versions:
        name = f"{specs_dir}/rest_v1_dispatcher-{v}-branchcut.yml"
        if not os.path.exists(name):  # the version in development: its master snapshot
            name = f"{specs_dir}/rest_v1_dispatcher-{v}-SNAPSHOT-master.yml"
        try:
            specs[v] = load_spec(name, cache)
        except FileNotFoundError:
            specs[v] = None
    return specs


def discover_clusters(client):
    """Every simulated cluster (from the simulator's /_sim/jobs) with its Flink version."""
    names = []
    _, jobs = client.get_json("/_sim/jobs")
    for j in (jobs or {}).get("jobs", []):
        if j.get("cluster") not in names:
            names.append(j["cluster"])
    found = []
    for n in names:
        status, cfg = client.get_json(f"/clusters/{urllib.parse.quote(n)}/config")
        if status == 200:
            found.append((n, cfg["flink-version"]))
    return found


def self_test(specs_dir, cache=None):
    """The validator itself: bodies that differ from the 1.20 spec must be caught."""
    specs = load_specs(specs_dir, ["1.17", "1.18", "1.19", "1.20"], cache)
    spec = specs["1.20"]
    good_job = {"jid": "0" * 32, "name": "j", "state": "RUNNING", "start-time": 1,
                "end-time": -1, "duration": 1, "last-modification": 1,
                "tasks": {"running": 1, "total": 1}}
    cases = [
        ("a valid body", {"jobs": [good_job]}, 0),
        ("a state outside the enum", {"jobs": [dict(good_job, state="RUNNIN")]}, 1),
        ("a string where an integer is due", {"jobs": [dict(good_job, duration="1")]}, 1),
        ("a field the spec does not name", {"jobs": [dict(good_job, extra=1)]}, 1),
        ("an object where an array is due", {"jobs": good_job}, 1),
        ("a map value of the wrong type", {"jobs": [dict(good_job, tasks={"running": "1"})]}, 1),
        ("null for a plain field", {"jobs": [dict(good_job, name=None)]}, 1),
    ]
    failed = 0
    for what, body, want in cases:
        val = Validator(spec, (1, 20), specs)
        schema, sspec = val.response_schema("/jobs/overview", "/jobs/overview")
        val.check(body, schema, "self-test", spec=sspec)
        got = 1 if val.errors else 0
        if got != want:
            failed += 1
            print(f"self-test: {what}: {'caught' if got else 'not caught'}: {val.errors}")
    # A checkpoint without its required discriminator, and with an unknown one.
    val = Validator(spec, (1, 20), specs)
    val.check({"id": 1}, {"$ref": "#/components/schemas/CheckpointStatistics"}, "cp")
    val.check({"className": "bogus"}, {"$ref": "#/components/schemas/CheckpointStatistics"}, "cp")
    if len(val.errors) != 2:
        failed += 1
        print(f"self-test: discriminator: {val.errors}")
    print(f"# self-test: {len(cases) + 1 - failed}/{len(cases) + 1} cases as expected")
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url")
    ap.add_argument("--specs", required=True)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--self-test", action="store_true")
    ap.add_argument("--cache", help="a directory to keep the parsed specs in (as JSON)")
    args = ap.parse_args()
    if args.self_test:
        return self_test(args.specs, args.cache)
    if args.url is None:
        ap.error("--url is required")
    client = Client(args.url)
    clusters = discover_clusters(client)
    versions = sorted({".".join(v.split(".")[:2]) for _, v in clusters} | {"1.17", "1.18", "1.19"},
                      key=version_tuple)
    specs = load_specs(args.specs, versions, args.cache)
    failures = 0
    # A required path must answer 200 on some cluster of each version: one cluster alone may
    # have nothing to show (an application cluster whose one job failed has no checkpoint).
    served_by_version, missing_by_version = {}, {}
    for cname, full_version in clusters:
        vs = ".".join(full_version.split(".")[:2])
        spec = specs.get(vs)
        if spec is None:
            print(f"# {cname}: Flink {full_version}: no spec file for {vs}")
            failures += 1
            continue
        base = f"/clusters/{cname}"
        val = Validator(spec, version_tuple(vs), specs)
        f = fills(client, base, vs)
        served, unserved, missing = set(), [], []
        for spec_path, ops in spec["paths"].items():
            if "get" not in ops:
                continue
            concrete = expand(spec_path, f)
            ok_once = False
            for path in concrete:
                queries = [path]
                if re.search(r"/metrics$", path):
                    queries = metric_queries(client, base, path)
                for query in queries:
                    status, data = client.request("GET", base + query)
                    where = f"{cname} ({full_version}) GET {query}"
                    try:
                        body = json.loads(data)
                    except ValueError:
                        val.fail(where, f"{status}: body is not JSON: {data[:60]!r}")
                        continue
                    if status == 200:
                        ok_once = True
                        schema, sspec = val.response_schema(query.split("?")[0], spec_path)
                        if schema is not None:
                            val.check(body, schema, where, spec=sspec)
                    elif not (isinstance(body, dict) and isinstance(body.get("errors"), list)
                              and all(isinstance(e, str) for e in body["errors"])):
                        val.fail(where, f"{status} without Flink's errors body")
            if ok_once:
                served.add(spec_path)
            else:
                unserved.append(spec_path)
                if spec_path in REQUIRED:
                    missing.append(spec_path)
        served_by_version.setdefault(full_version, set()).update(served)
        missing_by_version.setdefault(full_version, set()).update(missing)
        print(f"# {cname}: Flink {full_version}: {len(served)} GET paths served and valid"
              f"{'' if val.errors else ''}, {len(unserved)} not served, "
              f"{len(val.errors)} violations")
        if args.verbose and unserved:
            print("#   not served: " + " ".join(unserved))
        # The same violation on many ids is one line, with its count and first instance.
        grouped = {}
        for e in val.errors:
            key = re.sub(r"\[\d+\]", "[]", re.sub(r"[0-9a-f]{32}|\b\d+\b", "*", e))
            grouped.setdefault(key, []).append(e)
        for key, es in grouped.items():
            print(f"  {es[0]}" + (f"  (and {len(es) - 1} more like it)" if len(es) > 1 else ""))
        failures += len(val.errors)
    for full_version, missing in sorted(missing_by_version.items()):
        for m in sorted(missing - served_by_version.get(full_version, set())):
            print(f"  Flink {full_version}: GET {m} is never answered with 200")
            failures += 1
    if not clusters:
        print("no cluster answered /clusters/NAME/config")
        failures += 1
    print(f"# {client.requests} requests; quirks applied: "
          + ", ".join(q.name for q in QUIRKS if q.used))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
