/* Files flinktop trusts (its config, kubeconfigs) checked for who else may change or read
 * them, as ssh does with ~/.ssh: one writable by group or others is refused when it names
 * something flinktop would run or read a credential from (an exec plugin, a token file),
 * since whoever may write it may then run code as you; otherwise warned about. One that
 * holds a token or key and is readable by others is warned about. Each message carries
 * the chmod line that fixes it. */
#ifndef FLINKTOP_FILE_MODE_H
#define FLINKTOP_FILE_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What is in the file. */
struct file_mode_content {
    bool names_code;   /* an exec plugin, a token or password file */
    bool holds_secret; /* a token, password or private key in the file itself */
};

/* Check the mode bits of path (shown is how messages name it, e.g. with ~). Returns 0
 * (warn holds "" or one warning line) or -1 (err holds the refusal). mode is st_mode;
 * file_mode_check_path stats path itself and says nothing when it cannot. */
int file_mode_check(mode_t mode, const char *shown, const struct file_mode_content *what,
                    char *warn, size_t warnlen, char *err, size_t errlen);
int file_mode_check_path(const char *path, const char *shown, const struct file_mode_content *what,
                         char *warn, size_t warnlen, char *err, size_t errlen);

#endif
