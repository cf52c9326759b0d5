#include "sim_k8s_openapi.h"

#include "sim_crds_data.h"
#include "sim_k8s.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OBJECT_META "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
#define LIST_META "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"
#define V3_PREFIX "/openapi/v3/"

/* One served group version and its document. */
struct gv_doc {
    char *gv;   /* owned: "apis/flink.apache.org/v1beta1" */
    char *text; /* owned: the OpenAPI 3.0 document */
    char hash[17];
};

struct sim_k8s_openapi {
    struct gv_doc flink; /* the operator's group (the one with CRDs) */
    char *v3_root;       /* owned: GET /openapi/v3 */
    char *v2;            /* owned: GET /openapi/v2 */
};

static const char *str(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *obj(cJSON *o, const char *key) {
    cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsObject(v) ? v : NULL;
}

static void hash_hex(char out[17], const char *s) {
    unsigned long long h = 1469598103934665603ULL;
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    snprintf(out, 17, "%016llX", h);
}

/* "flink.apache.org" + "v1beta1" + "FlinkDeployment" -> "org.apache.flink.v1beta1.Kind". */
static char *schema_name(const char *group, const char *version, const char *kind) {
    char *copy = xstrdup(group);
    char *out = xstrdup("");
    for (;;) {
        char *dot = strrchr(copy, '.');
        const char *part = dot != NULL ? dot + 1 : copy;
        char *next = xasprintf("%s%s%s", out, out[0] != '\0' ? "." : "", part);
        free(out);
        out = next;
        if (dot == NULL)
            break;
        *dot = '\0';
    }
    char *full = xasprintf("%s.%s.%s", out, version, kind);
    free(out);
    free(copy);
    return full;
}

static cJSON *gvk_ext(const char *group, const char *version, const char *kind) {
    cJSON *arr = cJSON_CreateArray();
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "group", group);
    cJSON_AddStringToObject(g, "kind", kind);
    cJSON_AddStringToObject(g, "version", version);
    cJSON_AddItemToArray(arr, g);
    return arr;
}

static cJSON *ref(bool v3, const char *name) {
    cJSON *r = cJSON_CreateObject();
    char *s = xasprintf("#/%s/%s", v3 ? "components/schemas" : "definitions", name);
    cJSON_AddStringToObject(r, "$ref", s);
    free(s);
    return r;
}

static cJSON *typed(const char *type, const char *description) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", type);
    if (description != NULL)
        cJSON_AddStringToObject(o, "description", description);
    return o;
}

static cJSON *string_map(const char *description) {
    cJSON *o = typed("object", description);
    cJSON_AddItemToObject(o, "additionalProperties", typed("string", NULL));
    return o;
}

static cJSON *object_meta(void) {
    cJSON *o = typed("object", "ObjectMeta is metadata that all persisted resources must have, "
                               "which includes all objects users must create.");
    cJSON *p = cJSON_AddObjectToObject(o, "properties");
    cJSON_AddItemToObject(p, "annotations",
                          string_map("Annotations is an unstructured key value map stored with a "
                                     "resource that may be set by external tools."));
    cJSON_AddItemToObject(p, "creationTimestamp",
                          typed("string", "The time this object was created."));
    cJSON_AddItemToObject(p, "finalizers",
                          typed("array", "Finalizers must be empty before the "
                                         "object is deleted from the registry."));
    cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(p, "finalizers"), "items",
                          typed("string", NULL));
    cJSON_AddItemToObject(p, "generateName",
                          typed("string", "An optional prefix used by the server to generate a "
                                          "unique name when name is not provided."));
    cJSON *gen = typed("integer", "A sequence number representing a specific generation of the "
                                  "desired state.");
    cJSON_AddStringToObject(gen, "format", "int64");
    cJSON_AddItemToObject(p, "generation", gen);
    cJSON_AddItemToObject(p, "labels",
                          string_map("Map of string keys and values that can be used "
                                     "to organize and categorize objects."));
    cJSON_AddItemToObject(p, "name", typed("string", "Name must be unique within a namespace."));
    cJSON_AddItemToObject(p, "namespace",
                          typed("string", "Namespace defines the space within "
                                          "which each name must be unique."));
    cJSON *owners = typed("array", "List of objects depended by this object.");
    cJSON_AddItemToObject(owners, "items", typed("object", NULL));
    cJSON_AddItemToObject(p, "ownerReferences", owners);
    cJSON_AddItemToObject(p, "resourceVersion",
                          typed("string", "An opaque value that represents the internal version "
                                          "of this object."));
    cJSON_AddItemToObject(p, "uid",
                          typed("string", "UID is the unique in time and space value "
                                          "for this object."));
    return o;
}

static cJSON *list_meta(void) {
    cJSON *o = typed("object", "ListMeta describes metadata that synthetic resources must have.");
    cJSON *p = cJSON_AddObjectToObject(o, "properties");
    cJSON_AddItemToObject(p, "continue", typed("string", NULL));
    cJSON_AddItemToObject(p, "resourceVersion", typed("string", NULL));
    return o;
}

/* The resource's schema: the CRD's openAPIV3Schema with apiVersion, kind, metadata. */
static cJSON *resource_schema(const cJSON *crd_schema, bool v3, const char *group,
                              const char *version, const char *kind) {
    cJSON *s = crd_schema != NULL ? cJSON_Duplicate(crd_schema, true) : typed("object", NULL);
    cJSON *props = obj(s, "properties");
    if (props == NULL)
        props = cJSON_AddObjectToObject(s, "properties");
    cJSON_DeleteItemFromObjectCaseSensitive(props, "apiVersion");
    cJSON_DeleteItemFromObjectCaseSensitive(props, "kind");
    cJSON_DeleteItemFromObjectCaseSensitive(props, "metadata");
    cJSON_AddItemToObject(props, "apiVersion",
                          typed("string", "APIVersion defines the versioned schema of this "
                                          "representation of an object."));
    cJSON_AddItemToObject(props, "kind",
                          typed("string", "Kind is a string value representing "
                                          "the REST resource this object "
                                          "represents."));
    cJSON *md = cJSON_CreateObject();
    if (v3) {
        cJSON_AddItemToArray(cJSON_AddArrayToObject(md, "allOf"), ref(true, OBJECT_META));
    } else {
        cJSON_Delete(md);
        md = ref(false, OBJECT_META);
    }
    cJSON_AddStringToObject(md, "description", "Standard object's metadata.");
    cJSON_AddItemToObject(props, "metadata", md);
    cJSON_DeleteItemFromObjectCaseSensitive(s, "x-kubernetes-group-version-kind");
    cJSON_AddItemToObject(s, "x-kubernetes-group-version-kind", gvk_ext(group, version, kind));
    return s;
}

static cJSON *list_schema(bool v3, const char *group, const char *version, const char *kind,
                          const char *item) {
    cJSON *s = typed("object", NULL);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(s, "required"), cJSON_CreateString("items"));
    cJSON *p = cJSON_AddObjectToObject(s, "properties");
    cJSON_AddItemToObject(p, "apiVersion", typed("string", NULL));
    cJSON *items = typed("array", NULL);
    cJSON_AddItemToObject(items, "items", ref(v3, item));
    cJSON_AddItemToObject(p, "items", items);
    cJSON_AddItemToObject(p, "kind", typed("string", NULL));
    cJSON_AddItemToObject(p, "metadata", ref(v3, LIST_META));
    char *list_kind = xasprintf("%sList", kind);
    cJSON_AddItemToObject(s, "x-kubernetes-group-version-kind", gvk_ext(group, version, list_kind));
    free(list_kind);
    return s;
}

static cJSON *param(bool v3, const char *name, const char *in, bool required, const char *type) {
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", name);
    cJSON_AddStringToObject(p, "in", in);
    if (required)
        cJSON_AddBoolToObject(p, "required", true);
    if (v3)
        cJSON_AddItemToObject(p, "schema", typed(type, NULL));
    else
        cJSON_AddStringToObject(p, "type", type);
    cJSON_AddBoolToObject(p, "uniqueItems", true);
    return p;
}

/* An operation on schema (a name) with its action, GVK and query parameters (names of
 * string parameters, NULL-terminated). */
static cJSON *operation(bool v3, const char *id, const char *action, const char *group,
                        const char *version, const char *kind, const char *schema,
                        const char *const *query, bool body) {
    cJSON *op = cJSON_CreateObject();
    cJSON_AddStringToObject(op, "operationId", id);
    cJSON *params = cJSON_AddArrayToObject(op, "parameters");
    for (size_t i = 0; query != NULL && query[i] != NULL; i++)
        cJSON_AddItemToArray(params,
                             param(v3, query[i], "query", false,
                                   strcmp(query[i], "force") == 0 || strcmp(query[i], "watch") == 0
                                       ? "boolean"
                                   : strcmp(query[i], "timeoutSeconds") == 0 ? "integer"
                                                                             : "string"));
    if (body && v3) {
        cJSON *rb = cJSON_AddObjectToObject(op, "requestBody");
        cJSON *content = cJSON_AddObjectToObject(rb, "content");
        static const char *const types[] = {"application/json", "application/json-patch+json",
                                            "application/merge-patch+json",
                                            "application/apply-patch+yaml"};
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
            if (strcmp(action, "patch") != 0 && i > 0)
                break;
            cJSON *mt = cJSON_AddObjectToObject(content, types[i]);
            cJSON_AddItemToObject(mt, "schema",
                                  strcmp(action, "patch") == 0 ? typed("object", NULL)
                                                               : ref(true, schema));
        }
        cJSON_AddBoolToObject(rb, "required", true);
    } else if (body) {
        cJSON *b = param(false, "body", "body", true, "object");
        cJSON_DeleteItemFromObjectCaseSensitive(b, "type");
        cJSON_AddItemToObject(
            b, "schema", strcmp(action, "patch") == 0 ? typed("object", NULL) : ref(false, schema));
        cJSON_AddItemToArray(params, b);
    }
    cJSON *ok = cJSON_CreateObject();
    cJSON_AddStringToObject(ok, "description", "OK");
    if (v3) {
        cJSON *mt =
            cJSON_AddObjectToObject(cJSON_AddObjectToObject(ok, "content"), "application/json");
        cJSON_AddItemToObject(mt, "schema", ref(true, schema));
    } else {
        cJSON_AddItemToObject(ok, "schema", ref(false, schema));
    }
    cJSON_AddItemToObject(cJSON_AddObjectToObject(op, "responses"), "200", ok);
    cJSON_AddStringToObject(op, "x-kubernetes-action", action);
    /* an operation names one GVK (an object); a schema lists them (an array) */
    cJSON *gvk = gvk_ext(group, version, kind);
    cJSON_AddItemToObject(op, "x-kubernetes-group-version-kind", cJSON_DetachItemFromArray(gvk, 0));
    cJSON_Delete(gvk);
    return op;
}

static void add_path_params(cJSON *path, bool v3, bool name) {
    cJSON *params = cJSON_AddArrayToObject(path, "parameters");
    if (name)
        cJSON_AddItemToArray(params, param(v3, "name", "path", true, "string"));
    cJSON_AddItemToArray(params, param(v3, "namespace", "path", true, "string"));
}

/* Adds one CRD's paths and schemas to paths and schemas. */
static void add_crd(cJSON *paths, cJSON *schemas, const cJSON *crd, bool v3) {
    cJSON *spec = obj((cJSON *)(uintptr_t)crd, "spec");
    cJSON *names = obj(spec, "names");
    const char *group = str(spec, "group"), *kind = str(names, "kind");
    const char *plural = str(names, "plural");
    cJSON *version = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(spec, "versions"), 0);
    const char *v = str(version, "name");
    if (group == NULL || kind == NULL || plural == NULL || v == NULL)
        return;
    cJSON *crd_schema = obj(obj(version, "schema"), "openAPIV3Schema");
    char *name = schema_name(group, v, kind);
    char *list_kind = xasprintf("%sList", kind);
    char *list_name = schema_name(group, v, list_kind);
    cJSON_AddItemToObject(schemas, name, resource_schema(crd_schema, v3, group, v, kind));
    cJSON_AddItemToObject(schemas, list_name, list_schema(v3, group, v, kind, name));

    static const char *const list_q[] = {"labelSelector",  "fieldSelector", "resourceVersion",
                                         "timeoutSeconds", "watch",         NULL};
    static const char *const write_q[] = {"dryRun", "fieldManager", "fieldValidation", NULL};
    static const char *const patch_q[] = {"dryRun", "fieldManager", "fieldValidation", "force",
                                          NULL};
    static const char *const delete_q[] = {"dryRun", "propagationPolicy", NULL};
    char *id = NULL;
    char *p = xasprintf("/apis/%s/%s/%s", group, v, plural);
    cJSON *all = cJSON_AddObjectToObject(paths, p);
    id = xasprintf("list%sForAllNamespaces", kind);
    cJSON_AddItemToObject(all, "get",
                          operation(v3, id, "list", group, v, list_kind, list_name, list_q, false));
    free(id);
    free(p);
    p = xasprintf("/apis/%s/%s/namespaces/{namespace}/%s", group, v, plural);
    cJSON *coll = cJSON_AddObjectToObject(paths, p);
    id = xasprintf("listNamespaced%s", kind);
    cJSON_AddItemToObject(coll, "get",
                          operation(v3, id, "list", group, v, list_kind, list_name, list_q, false));
    free(id);
    id = xasprintf("createNamespaced%s", kind);
    cJSON_AddItemToObject(coll, "post",
                          operation(v3, id, "post", group, v, kind, name, write_q, true));
    free(id);
    add_path_params(coll, v3, false);
    free(p);
    static const char *const subs[] = {"", "/status"};
    cJSON *subresources = obj(version, "subresources");
    for (size_t i = 0; i < 2; i++) {
        if (i == 1 && obj(subresources, "status") == NULL)
            continue;
        const char *suffix = i == 1 ? "Status" : "";
        p = xasprintf("/apis/%s/%s/namespaces/{namespace}/%s/{name}%s", group, v, plural, subs[i]);
        cJSON *item = cJSON_AddObjectToObject(paths, p);
        id = xasprintf("readNamespaced%s%s", kind, suffix);
        cJSON_AddItemToObject(item, "get",
                              operation(v3, id, "get", group, v, kind, name, NULL, false));
        free(id);
        id = xasprintf("replaceNamespaced%s%s", kind, suffix);
        cJSON_AddItemToObject(item, "put",
                              operation(v3, id, "put", group, v, kind, name, write_q, true));
        free(id);
        id = xasprintf("patchNamespaced%s%s", kind, suffix);
        cJSON_AddItemToObject(item, "patch",
                              operation(v3, id, "patch", group, v, kind, name, patch_q, true));
        free(id);
        if (i == 0) {
            id = xasprintf("deleteNamespaced%s", kind);
            cJSON_AddItemToObject(
                item, "delete", operation(v3, id, "delete", group, v, kind, name, delete_q, false));
            free(id);
        }
        add_path_params(item, v3, true);
        free(p);
    }
    free(name);
    free(list_kind);
    free(list_name);
}

static cJSON *parse_crds(void) {
    size_t len = 0;
    for (size_t i = 0; i < sim_crds_data_pieces; i++)
        len += strlen(sim_crds_data[i]);
    char *text = xmalloc(len + 1);
    size_t at = 0;
    for (size_t i = 0; i < sim_crds_data_pieces; i++) {
        size_t n = strlen(sim_crds_data[i]);
        memcpy(text + at, sim_crds_data[i], n);
        at += n;
    }
    text[at] = '\0';
    cJSON *crds = cJSON_Parse(text);
    free(text);
    return crds;
}

static cJSON *document(const cJSON *crds, bool v3) {
    cJSON *d = cJSON_CreateObject();
    if (v3) {
        cJSON_AddStringToObject(d, "openapi", "3.0.0");
    } else {
        cJSON_AddStringToObject(d, "swagger", "2.0");
    }
    cJSON *info = cJSON_AddObjectToObject(d, "info");
    cJSON_AddStringToObject(info, "title", "Kubernetes CRD Swagger");
    cJSON_AddStringToObject(info, "version", "v0.1.0");
    cJSON *paths = cJSON_AddObjectToObject(d, "paths");
    cJSON *schemas =
        v3 ? cJSON_AddObjectToObject(cJSON_AddObjectToObject(d, "components"), "schemas")
           : cJSON_AddObjectToObject(d, "definitions");
    const cJSON *crd = NULL;
    cJSON_ArrayForEach(crd, crds) add_crd(paths, schemas, crd, v3);
    cJSON_AddItemToObject(schemas, OBJECT_META, object_meta());
    cJSON_AddItemToObject(schemas, LIST_META, list_meta());
    return d;
}

static char *print_and_delete(cJSON *o) {
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

struct sim_k8s_openapi *sim_k8s_openapi_new(void) {
    struct sim_k8s_openapi *o = xcalloc(1, sizeof *o);
    cJSON *crds = parse_crds();
    if (crds == NULL)
        crds = cJSON_CreateObject(); /* cannot happen with the generated data */
    o->flink.gv = xstrdup("apis/flink.apache.org/v1beta1");
    o->flink.text = print_and_delete(document(crds, true));
    hash_hex(o->flink.hash, o->flink.text);
    o->v2 = print_and_delete(document(crds, false));
    cJSON *root = cJSON_CreateObject();
    cJSON *paths = cJSON_AddObjectToObject(root, "paths");
    char *url = xasprintf(V3_PREFIX "%s?hash=%s", o->flink.gv, o->flink.hash);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(paths, o->flink.gv), "serverRelativeURL", url);
    free(url);
    o->v3_root = print_and_delete(root);
    cJSON_Delete(crds);
    return o;
}

void sim_k8s_openapi_free(struct sim_k8s_openapi *o) {
    if (o == NULL)
        return;
    free(o->flink.gv);
    free(o->flink.text);
    free(o->v3_root);
    free(o->v2);
    free(o);
}

bool sim_k8s_openapi_owns(const char *path) {
    return strcmp(path, "/openapi/v2") == 0 || strcmp(path, "/openapi/v3") == 0 ||
           strncmp(path, V3_PREFIX, sizeof V3_PREFIX - 1) == 0;
}

static void reply_text(struct sim_reply *r, const char *text) {
    r->status = 200;
    r->body = xstrdup(text);
    r->len = strlen(text);
}

void sim_k8s_openapi_handle(const struct sim_k8s_openapi *o, const char *method, const char *path,
                            const char *accept, struct sim_reply *r) {
    if (strcmp(method, "GET") != 0) {
        sim_k8s_status(r, 405, "MethodNotAllowed", "the server does not allow this method on %s",
                       path);
        return;
    }
    bool json = accept == NULL || accept[0] == '\0' || strstr(accept, "json") != NULL ||
                strstr(accept, "*/*") != NULL;
    if (!json) {
        sim_k8s_status(r, 406, "NotAcceptable", "only application/json is served here, not %s",
                       accept);
        return;
    }
    if (strcmp(path, "/openapi/v2") == 0)
        reply_text(r, o->v2);
    else if (strcmp(path, "/openapi/v3") == 0)
        reply_text(r, o->v3_root);
    else if (strcmp(path + sizeof V3_PREFIX - 1, o->flink.gv) == 0)
        reply_text(r, o->flink.text);
    else
        sim_k8s_status(r, 404, "NotFound", "the server could not find the requested resource");
}
