/*
 * Opening a shared library at run time and binding the functions a module
 * needs from it (libcurl, libcrypto): linked in, they would cost every run
 * their constructors and relocations, also the runs that never use them.
 *
 * dlib_open() opens `override` when it is set and non-empty, else the first
 * of names[] that loads, and stores each symbol in its slot. On failure
 * nothing stays open, *handle stays NULL and *err says
 * "cannot load <what> (install <package>): <dlerror>" or
 * "cannot load <what>: it has no <symbol>"; returns 0 / -1.
 */
#ifndef STACKC_BASE_DLIB_H
#define STACKC_BASE_DLIB_H

#include <stddef.h>

struct sbuf;

struct dlib_sym {
	void **slot; /* POSIX allows converting dlsym's object pointer to a function pointer */
	const char *name;
};

int dlib_open(void **handle, const char *const *names, size_t nnames, const char *override,
	      const struct dlib_sym *syms, size_t nsyms, const char *what, const char *package,
	      struct sbuf *err);

#endif
