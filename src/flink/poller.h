/* The scheduler: each round asks every cluster for its summaries (/config now and then,
 * /overview, /jobs/overview, /taskmanagers), the job on screen's details, every other
 * job's details round-robin (each at least every detail interval) and task manager
 * metrics; parses the answers into the app's clusters, pushes history, and records
 * per-source state. A source whose last
 * request is still in flight is skipped, so a hanging server never piles up requests. */
#ifndef FLINKTOP_POLLER_H
#define FLINKTOP_POLLER_H

#include <stdbool.h>

#include "app.h"
#include "http.h"

/* How often each job's details are refreshed when it is not on screen (default). */
#define POLLER_DETAIL_INTERVAL_MS 30000

struct poller;

/* returns owned poller; app and http are borrowed and must outlive it */
struct poller *poller_new(struct app *app, struct http *http);
void poller_free(struct poller *p);

/* Fetch every job's details in the round that sees it (for --once). */
void poller_set_all_details(struct poller *p, bool all);
/* Start a round. focus is the cluster on screen (-1 none) and focus_job the id of the
 * job on screen (NULL none): that job's details and the focus cluster's task manager
 * metrics are refreshed every round, the rest round-robin. */
void poller_round(struct poller *p, int focus, const char *focus_job);
/* Requests of this poller still in flight. */
int poller_in_flight(const struct poller *p);
/* True when some cluster changed since the last call; clears the flag. */
bool poller_take_changed(struct poller *p);

#endif
