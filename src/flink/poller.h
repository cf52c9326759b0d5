/* The scheduler of the Flink REST endpoints (the table in flink_endpoints.h): each round
 * asks every cluster for its summaries (/config and /jobmanager/config now and then,
 * /overview, /jobs/overview, /taskmanagers), the job on screen's details, every other
 * job's details round-robin (each at least every detail interval) and task manager
 * metrics; parses the answers into the app's clusters and records each endpoint's
 * struct source. What is in flight and what is due is the poller's own bookkeeping, not
 * the model's. A request still in flight is never asked again, so a hanging server never
 * piles up requests. History is not pushed here: history_update() reads the model. */
#ifndef FLINKTOP_POLLER_H
#define FLINKTOP_POLLER_H

#include <stdbool.h>

#include "app.h"
#include "clock.h"
#include "http.h"
#include "source_ops.h"

/* How often each job's details are refreshed when it is not on screen (default). */
#define POLLER_DETAIL_INTERVAL_MS 30000

struct poller;

/* returns owned poller; app and http are borrowed and must outlive it */
struct poller *poller_new(struct app *app, struct http *http);
void poller_free(struct poller *p);

/* The clock the schedule and the sources' times read (borrowed; NULL: the real one). */
void poller_set_clock(struct poller *p, const struct clock *clock);
/* Where requests go instead of http_submit (a test's fake server): same contract, 0 or
 * -1 with done never called. */
typedef int (*poller_submit_fn)(void *arg, const struct http_request *req);
void poller_set_submit(struct poller *p, poller_submit_fn submit, void *arg);
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

/* The poller as a source the loop drives (source_ops.h): start_round is poller_round
 * with the focus, busy is requests in flight. */
extern const struct source_ops poller_source_ops;
struct data_source poller_source(struct poller *p);

#endif
