/*
 * Content fingerprints of secrets and configs, kept in the label
 * LABEL_FINGERPRINT of every secret and config stackc creates, so a later
 * deploy can tell whether a file's content is the one an object holds
 * (objects are immutable: a changed content means a new generation).
 *
 *   secrets  "scrypt:ln=14,r=8,p=1:<salt>:<key>": scrypt of the content with
 *            a random 16-byte salt per object (salt and 32-byte key in
 *            standard base64). The daemon never returns secret data, and
 *            anyone who can inspect a secret reads its labels: a plain or
 *            name-salted hash would let them test guesses of a weak value
 *            at billions per second; a memory-hard KDF with its own salt
 *            makes every guess cost ~16 MiB and tens of milliseconds, per
 *            object.
 *   configs  "sha256:<hex>": the daemon returns config data to anyone who
 *            may inspect it, so there is nothing to hide; the label only
 *            names the content. Plans compare config data itself.
 *
 * Earlier stackc versions labelled secrets com.stackc.sha256 with
 * sha256(name NUL base64-data); fingerprint_legacy_matches() still reads it.
 *
 * Contents are given as the Engine's Data field (standard base64) and never
 * leave this module in any form but the label.
 */
#ifndef STACKC_SWARM_FINGERPRINT_H
#define STACKC_SWARM_FINGERPRINT_H

#include "swarm/stack.h"

#define LABEL_FINGERPRINT "com.stackc.fingerprint"
#define LABEL_LEGACY_SHA256 "com.stackc.sha256"

/* The scrypt cost of new secret fingerprints: N = 2^14, r = 8, p = 1 (16 MiB). */
#define FINGERPRINT_SCRYPT_LOG2_N 14
#define FINGERPRINT_SCRYPT_R 8
#define FINGERPRINT_SCRYPT_P 1

/* A new label value for this content (secrets: a fresh random salt). Heap string. */
char *fingerprint_new(enum stack_kind kind, const char *data_b64);

/*
 * Whether label (a LABEL_FINGERPRINT value) is a fingerprint of this content:
 * 1 yes, 0 no, -1 when the label is not one this version can check (unknown
 * form or parameters out of range: treat the content as unknown).
 */
int fingerprint_matches(const char *label, const char *data_b64);

/* The com.stackc.sha256 label of earlier versions: 1 match, 0 not. */
int fingerprint_legacy_matches(const char *label, const char *name, const char *data_b64);

#endif
