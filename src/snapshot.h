/* The headless snapshot of --once: every cluster and its jobs as JSON or text.
 * Field names are an interface (tests and scripts read them): add, never rename.
 * Unknown values are JSON null and "-" in text. */
#ifndef FLINKTOP_SNAPSHOT_H
#define FLINKTOP_SNAPSHOT_H

#include <stdio.h>

#include "app.h"

/* returns owned JSON text (caller frees) */
char *snapshot_json(const struct app *app);
void snapshot_text(const struct app *app, FILE *out);
/* True when every source of every cluster answered. */
int snapshot_all_ok(const struct app *app);

#endif
