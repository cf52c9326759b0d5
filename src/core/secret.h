/* Secrets (tokens, passwords, private keys, credential plugin output) are wiped before
 * their memory is freed, here and nowhere else, so that a freed block handed out again,
 * a core dump (flinktop disables them unless --allow-core-dumps) or swap holds as little
 * of them as possible. The wipe is a volatile store the compiler cannot drop. */
#ifndef FLINKTOP_SECRET_H
#define FLINKTOP_SECRET_H

#include <stddef.h>

/* Overwrite n bytes at p with zeros; NULL or 0 is fine. */
void secret_wipe(void *p, size_t n);
/* Wipe the NUL-terminated s, then free it; NULL is fine. */
void secret_free(char *s);
/* Wipe n bytes at p, then free p; NULL is fine. */
void secret_free_bytes(void *p, size_t n);

/* No core dumps of this process (PR_SET_DUMPABLE 0, which also keeps other users'
 * debuggers and /proc/PID/mem out, and RLIMIT_CORE 0): a dump would hold every token in
 * memory. Returns 0, or -1 when one of the two failed. */
int secret_no_core_dumps(void);

#endif
