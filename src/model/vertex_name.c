#include "vertex_name.h"

#include <stdio.h>
#include <string.h>

char *vertex_name_shown(const struct vertex_list *l, size_t i, char *buf, size_t size) {
    if (size == 0)
        return buf;
    buf[0] = '\0';
    if (l == NULL || i >= l->len)
        return buf;
    const struct vertex *v = &l->items[i];
    if (v->name == NULL) {
        snprintf(buf, size, "%s", v->id);
        return buf;
    }
    size_t k = 1; /* its place among the vertices called the same, in graph order */
    for (size_t j = 0; j < i; j++)
        if (l->items[j].name && strcmp(l->items[j].name, v->name) == 0)
            k++;
    if (k == 1)
        snprintf(buf, size, "%s", v->name);
    else
        snprintf(buf, size, "%s (%zu)", v->name, k);
    return buf;
}
