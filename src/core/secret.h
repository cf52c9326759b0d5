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

#endif
