/* The log pager's buffer, fed a log cut into pieces where the input says: whatever
 * comes in, every line held is bounded, has no control byte, and the ring's byte count
 * stays under its cap; search and the error jump never read outside what is held.
 */
// seeds: detail/exceptions.*.json
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "log_buffer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct log_buffer b;
    log_buffer_init(&b, 4096); /* small: the cap is exercised */
    /* the first byte says how big each piece is: cuts land anywhere */
    size_t piece = size ? (size_t)data[0] % 17 + 1 : 1;
    for (size_t i = 1; i < size; i += piece)
        log_buffer_feed(&b, (const char *)data + i, size - i < piece ? size - i : piece);
    log_buffer_end(&b);
    if (b.bytes > 4096 && b.n > 1)
        abort();
    for (uint64_t no = log_buffer_first(&b); no < log_buffer_end_no(&b); no++) {
        const struct log_line *l = log_buffer_line(&b, no);
        if (l == NULL || strlen(l->text) != l->len || l->len > 3 * LOG_LINE_MAX)
            abort();
        for (size_t k = 0; k < l->len; k++)
            if ((unsigned char)l->text[k] < 0x20 || l->text[k] == 0x7f)
                abort();
    }
    (void)log_buffer_search(&b, "Caused", 0, false);
    (void)log_buffer_search(&b, "a", UINT64_MAX, true);
    (void)log_buffer_next_error(&b, 0);
    log_buffer_free(&b);
    return 0;
}
