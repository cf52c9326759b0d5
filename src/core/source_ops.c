#include "source_ops.h"

void data_sources_round(const struct data_source *s, size_t n, const struct source_focus *focus) {
    for (size_t i = 0; i < n; i++)
        s[i].ops->start_round(s[i].self, focus);
}

bool data_sources_take_changed(const struct data_source *s, size_t n) {
    bool changed = false;
    for (size_t i = 0; i < n; i++)
        changed = s[i].ops->take_changed(s[i].self) || changed;
    return changed;
}

bool data_sources_busy(const struct data_source *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i].ops->busy(s[i].self))
            return true;
    return false;
}
