#include "file_mode.h"

#include <stdio.h>
#include <sys/stat.h>

int file_mode_check(mode_t mode, const char *shown, const struct file_mode_content *what,
                    char *warn, size_t warnlen, char *err, size_t errlen) {
    if (warn && warnlen)
        warn[0] = '\0';
    if (mode & (S_IWGRP | S_IWOTH)) {
        const char *who = (mode & S_IWOTH) ? "others" : "group";
        if (what->names_code) {
            snprintf(err, errlen,
                     "%s is writable by %s and names an exec plugin or a token file: whoever "
                     "can write it can run code as you; refusing it (fix: chmod go-w %s)",
                     shown, who, shown);
            return -1;
        }
        snprintf(warn, warnlen, "%s is writable by %s (fix: chmod go-w %s)", shown, who, shown);
        return 0;
    }
    if ((mode & S_IROTH) && what->holds_secret)
        snprintf(warn, warnlen,
                 "%s holds a token or key and is readable by others (fix: chmod o-r %s)", shown,
                 shown);
    return 0;
}

int file_mode_check_path(const char *path, const char *shown, const struct file_mode_content *what,
                         char *warn, size_t warnlen, char *err, size_t errlen) {
    struct stat st;
    if (stat(path, &st) != 0) {
        if (warn && warnlen)
            warn[0] = '\0';
        return 0; /* reading it says what is wrong */
    }
    return file_mode_check(st.st_mode, shown, what, warn, warnlen, err, errlen);
}
