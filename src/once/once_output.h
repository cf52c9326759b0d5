/* The headless snapshot of --once: every cluster and its jobs as JSON or text.
 * Field names are an interface (tests and scripts read them): add, never rename.
 * Unknown values are JSON null and "-" in text. */
#ifndef FLINKTOP_ONCE_OUTPUT_H
#define FLINKTOP_ONCE_OUTPUT_H

#include <stdio.h>

#include "app.h"

/* returns owned JSON text (caller frees) */
char *once_json(const struct app *app);
void once_text(const struct app *app, FILE *out);
/* True when every source of every cluster answered. */
int once_all_ok(const struct app *app);

#endif
