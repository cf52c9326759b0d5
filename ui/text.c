#include "text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

/* The next character of s (left bytes): its length in bytes and its cells. A byte
 * that does not start a valid character, and an unprintable character, is `bad`:
 * one cell, drawn as '?', so what we measure is what we draw. */
static size_t next_char(const char *s, size_t left, int *cells, bool *bad) {
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t n = mbrtowc(&wc, s, left, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *cells = 1;
        *bad = true;
        return 1;
    }
    int w = wcwidth(wc);
    *bad = w < 0;
    *cells = w < 0 ? 1 : w;
    return n;
}

int text_width(const char *s) {
    if (s == NULL)
        return 0;
    int total = 0;
    size_t left = strlen(s);
    while (left > 0) {
        int cells;
        bool bad;
        size_t n = next_char(s, left, &cells, &bad);
        total += cells;
        s += n;
        left -= n;
    }
    return total;
}

int text_fit(const char *s, int cells, bool ascii, char *out, size_t size) {
    if (size == 0)
        return 0;
    out[0] = '\0';
    if (s == NULL || cells <= 0)
        return 0;
    const char *ellipsis = ascii ? "~" : "\u2026";
    size_t ell_len = strlen(ellipsis);
    bool cut = text_width(s) > cells;
    int budget = cut ? cells - 1 : cells;
    size_t o = 0;
    int used = 0;
    size_t left = strlen(s);
    while (left > 0) {
        int w;
        bool bad;
        size_t n = next_char(s, left, &w, &bad);
        /* --ascii (or a non-UTF-8 terminal): a character beyond ASCII becomes one '?' a
         * cell, so columns still line up; a zero-width one is dropped */
        bool stand_in = ascii && !bad && ((unsigned char)*s >= 0x80);
        size_t bytes = bad ? 1 : (stand_in ? (size_t)w : n);
        if (used + w > budget)
            break;
        /* Keep room for the ellipsis and the NUL; a short buffer cuts the text too. */
        if (o + bytes + ell_len + 1 > size) {
            cut = true;
            break;
        }
        if (bad)
            out[o] = '?';
        else if (stand_in)
            memset(out + o, '?', bytes);
        else
            memcpy(out + o, s, n);
        o += bytes;
        used += w;
        s += n;
        left -= n;
    }
    if (cut && o + ell_len + 1 <= size && used < cells) {
        memcpy(out + o, ellipsis, ell_len);
        o += ell_len;
        used++;
    }
    out[o] = '\0';
    return used;
}

static int ascii_lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

bool text_icontains(const char *hay, const char *needle) {
    if (needle == NULL || needle[0] == '\0')
        return true;
    if (hay == NULL)
        return false;
    size_t nl = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < nl && hay[i] &&
               ascii_lower((unsigned char)hay[i]) == ascii_lower((unsigned char)needle[i]))
            i++;
        if (i == nl)
            return true;
    }
    return false;
}

char *text_int(int64_t v, char *buf, size_t size) {
    if (v < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%lld", (long long)v);
    return buf;
}

char *text_ratio(int64_t used, int64_t total, char *buf, size_t size) {
    if (used < 0 && total < 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    char a[24], b[24];
    snprintf(buf, size, "%s/%s", text_int(used, a, sizeof a), text_int(total, b, sizeof b));
    return buf;
}

char *text_age(int64_t ms, char *buf, size_t size) {
    if (ms < 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    long long s = (long long)(ms / 1000);
    if (s < 60)
        snprintf(buf, size, "%llds", s);
    else if (s < 3600)
        snprintf(buf, size, "%lldm", s / 60);
    else if (s < 86400)
        snprintf(buf, size, "%lldh", s / 3600);
    else
        snprintf(buf, size, "%lldd", s / 86400);
    return buf;
}

char *text_duration(int64_t ms, char *buf, size_t size) {
    if (ms < 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    long long s = (long long)(ms / 1000);
    if (s < 60)
        snprintf(buf, size, "%llds", s);
    else if (s < 3600)
        snprintf(buf, size, "%lldm%02llds", s / 60, s % 60);
    else if (s < 86400)
        snprintf(buf, size, "%lldh%02lldm", s / 3600, s % 3600 / 60);
    else
        snprintf(buf, size, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
    return buf;
}

/* Literal formats: -Wformat-nonliteral checks strftime too. */
static char *local_time(int64_t epoch_ms, bool date, char *buf, size_t size) {
    struct tm tm;
    time_t t = (time_t)(epoch_ms / 1000);
    size_t n = 0;
    if (epoch_ms >= 0 && localtime_r(&t, &tm) != NULL)
        n = date ? strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm)
                 : strftime(buf, size, "%H:%M:%S", &tm);
    if (n == 0)
        snprintf(buf, size, "-");
    return buf;
}

char *text_datetime(int64_t epoch_ms, char *buf, size_t size) {
    return local_time(epoch_ms, true, buf, size);
}

char *text_clock(int64_t epoch_ms, char *buf, size_t size) {
    return local_time(epoch_ms, false, buf, size);
}
