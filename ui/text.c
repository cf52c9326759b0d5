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

/* One character of a string being cut in the middle. */
struct fit_char {
    size_t at, n; /* its bytes in s */
    int w;        /* cells */
    bool bad;     /* drawn as '?' */
};

/* Append character c of s to out as text_fit draws it (a bad byte or, with ascii, a
 * character beyond ASCII becomes '?' a cell). */
static void put_char(const char *s, const struct fit_char *c, bool ascii, char *out, size_t *o) {
    bool stand_in = ascii && !c->bad && (unsigned char)s[c->at] >= 0x80;
    if (c->bad) {
        out[(*o)++] = '?';
    } else if (stand_in) {
        memset(out + *o, '?', (size_t)c->w);
        *o += (size_t)c->w;
    } else {
        memcpy(out + *o, s + c->at, c->n);
        *o += c->n;
    }
}

#define FIT_MIDDLE_MAX 512 /* characters; a longer name is cut at its end */

int text_fit_middle(const char *s, int cells, bool ascii, char *out, size_t size) {
    struct fit_char ch[FIT_MIDDLE_MAX];
    size_t n = 0, left = s ? strlen(s) : 0, at = 0;
    /* too narrow to keep both ends, or too long to measure: cut at the end */
    if (s == NULL || cells < 5 || text_width(s) <= cells || left > FIT_MIDDLE_MAX)
        return text_fit(s, cells, ascii, out, size);
    while (at < left) {
        struct fit_char *c = &ch[n++];
        c->at = at;
        c->n = next_char(s + at, left - at, &c->w, &c->bad);
        at += c->n;
    }
    const char *ellipsis = ascii ? "~" : "\u2026";
    /* head gets the odd cell: "fraud-detec" + "…" + "-eu-west-2" in 22 cells */
    int room = cells - 1, tail_room = room / 2, head_room = room - tail_room;
    size_t head = 0, tail = n; /* ch[0, head) and ch[tail, n) are kept */
    int head_w = 0, tail_w = 0;
    while (head < n && head_w + ch[head].w <= head_room)
        head_w += ch[head++].w;
    tail_room += head_room - head_w; /* a wide character that did not fit: its cell */
    while (tail > head && tail_w + ch[tail - 1].w <= tail_room)
        tail_w += ch[--tail].w;
    /* worst case: every kept character 4 bytes, or '?' stand-ins up to 2 a character */
    size_t need = 1 + strlen(ellipsis);
    for (size_t i = 0; i < n; i++)
        if (i < head || i >= tail)
            need += ch[i].n > (size_t)ch[i].w ? ch[i].n : (size_t)ch[i].w;
    if (need > size)
        return text_fit(s, cells, ascii, out, size);
    size_t o = 0;
    for (size_t i = 0; i < head; i++)
        put_char(s, &ch[i], ascii, out, &o);
    memcpy(out + o, ellipsis, strlen(ellipsis));
    o += strlen(ellipsis);
    for (size_t i = tail; i < n; i++)
        put_char(s, &ch[i], ascii, out, &o);
    out[o] = '\0';
    return head_w + 1 + tail_w;
}

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
