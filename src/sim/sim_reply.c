#include "sim_reply.h"

#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_reply_json(struct sim_reply *r, int status, cJSON *json) {
    /* sim_main installs xmalloc as cJSON's allocator, so this cannot return NULL and
     * free() releases it. */
    char *text = cJSON_PrintUnformatted(json);
    cJSON_Delete(json);
    /* a C string cannot hold the NUL of --hostile-names: DEL (which cJSON leaves raw)
     * stands for it and goes out as the escape \u0000 */
    size_t n_del = 0, len = strlen(text);
    for (size_t i = 0; i < len; i++)
        n_del += text[i] == 0x7f;
    if (n_del > 0) {
        char *wide = xmalloc(len + 5 * n_del + 1), *w = wide;
        for (size_t i = 0; i < len; i++) {
            if (text[i] == 0x7f) {
                memcpy(w, "\\u0000", 6);
                w += 6;
            } else {
                *w++ = text[i];
            }
        }
        *w = '\0';
        free(text);
        text = wide;
    }
    r->status = status;
    r->len = strlen(text);
    r->body = text;
}

void sim_reply_error(struct sim_reply *r, int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    msg[0] = '\0';
    va_start(ap, fmt);
    if (n > 0)
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);

    cJSON *root = cJSON_CreateObject();
    cJSON *errors = cJSON_AddArrayToObject(root, "errors");
    cJSON_AddItemToArray(errors, cJSON_CreateString(msg));
    free(msg);
    sim_reply_json(r, status, root);
}

void sim_reply_text(struct sim_reply *r, int status, char *text) {
    r->status = status;
    r->len = strlen(text);
    r->body = text;
    r->content_type = "text/plain; charset=utf-8";
}

void sim_reply_free(struct sim_reply *r) {
    free(r->body);
    r->body = NULL;
    r->len = 0;
    if (r->stream.read != NULL && r->stream.done != NULL)
        r->stream.done(r->stream.cls);
    r->stream.read = NULL;
    r->stream.cls = NULL;
}
