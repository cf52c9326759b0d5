/* The scheduler: each round asks every cluster for its summaries (/config now and then,
 * /overview, /jobs/overview, /taskmanagers) and job details round-robin, parses the
 * answers into the app's clusters, and records per-source state. A source whose last
 * request is still in flight is skipped, so a hanging server never piles up requests. */
#ifndef FLINKTOP_POLLER_H
#define FLINKTOP_POLLER_H

#include <stdbool.h>

#include "app.h"
#include "http.h"

/* How often each job's details are refreshed when it is not on screen. */
#define POLLER_DETAIL_INTERVAL_MS 30000
/* Detail requests one cluster may start per round (keeps each round light). */
#define POLLER_DETAILS_PER_ROUND 4

struct poller;

/* returns owned poller; app and http are borrowed and must outlive it */
struct poller *poller_new(struct app *app, struct http *http);
void poller_free(struct poller *p);

/* Fetch every job's details in the round that sees it (for --once). */
void poller_set_all_details(struct poller *p, bool all);
/* Start a round. focus is the cluster on screen (-1 none): its jobs' details are
 * refreshed every round. */
void poller_round(struct poller *p, int focus);
/* Requests of this poller still in flight. */
int poller_in_flight(const struct poller *p);
/* True when some cluster changed since the last call; clears the flag. */
bool poller_take_changed(struct poller *p);

#endif
