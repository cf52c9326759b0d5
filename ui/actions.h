/* The questions between an action key and a request: which job (the one on screen, or
 * the selected row), then the dialogs the action needs (send again while the last one
 * may still be running, a new parallelism, a savepoint directory, which savepoint to
 * redeploy from, which profile) and last the confirmation: context, namespace, cluster,
 * job, the effect, what else it touches (the engine's blast radius, warnings in colour)
 * and the exact request. The flow ends with an action request, a plain struct, that the
 * engine (action_engine.h) checks, audits and sends; everything that reads the model,
 * the disk or the network is the engine's.
 *
 * ui.c owns the flow while it runs: it hands every key to the flow's dialog, draws it
 * over the screen and calls action_flow_next when the dialog closes. */
#ifndef FLINKTOP_ACTIONS_H
#define FLINKTOP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "action_engine.h"
#include "dialog.h"
#include "keymap.h"
#include "view.h"

struct action_flow;

/* True for the requests that are actions (s S C r R D P): the one table of action keys. */
bool action_request(enum request req);

/* Start the action req asks for on what view v shows. Returns an owned flow whose dialog
 * is to be shown, or NULL when there is nothing to ask: msg (and *level, a ui_flash
 * level) then says why ("read-only: nothing sent", "audit: ... not sent"). app is
 * borrowed for the flow's life; its engine (app->actions) decides what may go. */
struct action_flow *action_flow_begin(struct app *app, const struct view *v, enum request req,
                                      char *msg, size_t size, int *level);
/* Quitting with actions still being followed: a flow that asks first; NULL when none
 * runs (quit at once). */
struct action_flow *action_flow_quit(struct app *app);
/* borrowed: the dialog to show now */
struct dialog *action_flow_dialog(struct action_flow *f);

enum action_flow_result {
    FLOW_ASK,  /* show the flow's (new) dialog */
    FLOW_DONE, /* over: msg says why nothing was sent */
    FLOW_SEND, /* confirmed: send action_flow_request with action_flow_plan */
    FLOW_QUIT, /* the quit question was answered yes */
};
/* The dialog closed with r. */
enum action_flow_result action_flow_next(struct action_flow *f, enum dialog_result r, char *msg,
                                         size_t size, int *level);
/* After FLOW_SEND: what to send; borrowed from the flow. */
const struct action_request *action_flow_request(const struct action_flow *f);
const struct action_plan *action_flow_plan(const struct action_flow *f);
void action_flow_free(struct action_flow *f);

#endif
