/* The headless snapshot of --once as JSON: every cluster and its jobs (the text report is
 * once_incident.h).
 * Field names are an interface (tests and scripts read them): add, never rename.
 * Unknown values are JSON null and "-" in text. */
#ifndef FLINKTOP_ONCE_OUTPUT_H
#define FLINKTOP_ONCE_OUTPUT_H

#include <stdio.h>

#include "app.h"

/* returns owned JSON text (caller frees) */
char *once_json(const struct app *app);
/* True when every source of every cluster answered. */
int once_all_ok(const struct app *app);

#endif
