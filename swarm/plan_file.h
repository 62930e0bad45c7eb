/*
 * Saved plans: `stackc diff --out FILE` writes the plan, `stackc deploy
 * --plan FILE` applies exactly that plan, or nothing.
 *
 * The file is the JSON of `diff --format json` (the same "changes" and
 * "summary", so a reviewer reads what they would read there) with what apply
 * needs added to each change: the live Version.Index ("version"), the request
 * body ("body"), the generation a secret/config uses ("ref_name",
 * "generation"), the image text ("image_label"); "format" names the layout
 * (PLAN_FILE_FORMAT). Secret data is never written: a secret body holds
 * "DataFrom": {"file": absolute path, "fingerprint": a salted scrypt
 * fingerprint (fingerprint.h)} instead of "Data". Config data, which the
 * daemon shows to anyone who may inspect the config, stays inline.
 *
 * Drift: deploying a saved plan is refused, before any write, when
 *   - a secret's file no longer holds the content fingerprinted (or cannot
 *     be read): plan_file_read();
 *   - an object the plan updates, keeps or removes is gone, or its
 *     Version.Index moved (someone wrote it since); an object the plan
 *     creates exists now: plan_file_check_live().
 * Each moved object is named on its own line of *err.
 *
 * Where it differs from a recomputed plan on purpose: a service update that
 * meets "update out of sequence" during the apply is not refreshed and
 * retried (apply.h) but fails, since what was reviewed no longer holds.
 */
#ifndef STACKC_SWARM_PLAN_FILE_H
#define STACKC_SWARM_PLAN_FILE_H

#include "swarm/plan.h"

struct engine;
struct sbuf;

#define PLAN_FILE_FORMAT "stackc-plan/1"
/* The return value of plan_file_read() and plan_file_check_live() on drift. */
#define PLAN_FILE_DRIFT 1

/* Write the plan to path (mode 0600, replaced whole); -1 with a message. */
int plan_file_write(const struct plan *p, const char *path, struct sbuf *err);

/*
 * Read a saved plan for stack `stack`: 0, PLAN_FILE_DRIFT (a secret's file
 * changed), or -1 (unreadable, not a plan, another stack's) with a message
 * in *err. The plan's items have no `want`: it is released with
 * plan_release() as any other.
 */
int plan_file_read(struct plan *out, const char *path, const char *stack, struct sbuf *err);

/* GET requests only: 0, PLAN_FILE_DRIFT, or -1 (the Engine failed). */
int plan_file_check_live(const struct plan *p, struct engine *e, struct sbuf *err);

#endif
