/* OSC 52: "ESC ] 52 ; c ; <base64> BEL" asks the user's own terminal to put text on its
 * clipboard. The sequence travels over ssh and through tmux (with `set-clipboard on`),
 * which is how a console on a bastion host can copy into the laptop the SRE sits at:
 * there is no other clipboard to reach from there. */
#ifndef FLINKTOP_OSC52_H
#define FLINKTOP_OSC52_H

#include <stdbool.h>
#include <stddef.h>

/* The most text one sequence carries: its base64 is 99,992 bytes, inside the 100,000
 * that xterm and tmux accept for one sequence. */
#define OSC52_MAX_TEXT 74994


/* The sequence that copies text[0..len), as a new string the caller frees. Longer text
 * is cut to OSC52_MAX_TEXT bytes, never inside a UTF-8 character, and *cut says so
 * (cut may be NULL). */
char *osc52_sequence(const char *text, size_t len, bool *cut);

#endif
