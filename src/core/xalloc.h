/* Allocation wrappers that never return NULL: on failure they run the registered
 * fatal hook (which restores the terminal) and abort. No other code checks for NULL
 * from an allocation. */
#ifndef FLINKTOP_XALLOC_H
#define FLINKTOP_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

/* returns owned memory: caller frees */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
/* returns owned copy of s (NULL stays NULL) */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* returns owned formatted string */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Called before abort() on allocation failure; main sets it to restore the terminal. */
void xalloc_set_fatal_hook(void (*hook)(void));

#endif
