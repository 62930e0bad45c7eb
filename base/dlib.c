/* Run-time loading of optional libraries; see dlib.h. */
#include "base/dlib.h"

#include "base/sbuf.h"

#include <dlfcn.h>

int dlib_open(void **handle, const char *const *names, size_t nnames, const char *override,
	      const struct dlib_sym *syms, size_t nsyms, const char *what, const char *package,
	      struct sbuf *err)
{
	void *h = NULL;
	if (override && *override)
		h = dlopen(override, RTLD_NOW | RTLD_LOCAL);
	else
		for (size_t i = 0; i < nnames && !h; i++)
			h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		sb_printf(err, "cannot load %s (install %s): %s", what, package, dlerror());
		return -1;
	}
	for (size_t i = 0; i < nsyms; i++) {
		if (!(*syms[i].slot = dlsym(h, syms[i].name))) {
			sb_printf(err, "cannot load %s: it has no %s", what, syms[i].name);
			dlclose(h);
			return -1;
		}
	}
	*handle = h;
	return 0;
}
