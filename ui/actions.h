/* From an action key to a request sent, through the questions in between: which job (the
 * one on screen, or the selected row), whether anything may be sent at all (read-only,
 * the same job busy with another action), then the dialogs the action needs (a new
 * parallelism, a savepoint directory, which savepoint to redeploy from, which profile)
 * and last the confirmation that names context, namespace, cluster, job and the effect,
 * with the exact JSON of an operator patch. Only an accepted confirmation sends, through
 * the app's operations list (operations.h), which follows it and audits it.
 *
 * ui.c owns the flow while it runs: it hands every key to the flow's dialog, draws it
 * over the screen and calls action_flow_next when the dialog closes. */
#ifndef FLINKTOP_ACTIONS_H
#define FLINKTOP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "dialog.h"
#include "keymap.h"
#include "view.h"

struct action_flow;

/* True for the requests that are actions (s S C r R D P). */
bool action_request(enum request req);

/* Start the action req asks for on what view v shows. Returns an owned flow whose dialog
 * is to be shown, or NULL when there is nothing to ask: msg (and *level, a ui_flash
 * level) then says why ("read-only: nothing sent", "a savepoint is already running on
 * orders"). app is borrowed for the flow's life. */
struct action_flow *action_flow_begin(struct app *app, const struct view *v, enum request req,
                                      char *msg, size_t size, int *level);
/* borrowed: the dialog to show now */
struct dialog *action_flow_dialog(struct action_flow *f);
/* The dialog closed with r. True when the flow asks something more (show the new
 * dialog); false when it is over: msg says what happened (sent, or nothing sent). */
bool action_flow_next(struct action_flow *f, enum dialog_result r, char *msg, size_t size,
                      int *level);
void action_flow_free(struct action_flow *f);

#endif
