// SPDX-License-Identifier: BSD-2-Clause
/* The fuzz targets by name (see fuzz_targets.h). */

#define _DEFAULT_SOURCE		/* fileno */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_targets.h"

/* A new target: one line here, and its name in sim/meson.build. */
const struct fuzz_target fuzz_targets[] = {
	{ "fuzz_smc_raw", fuzz_smc_raw_run },
	{ "fuzz_guest", fuzz_guest_run },
	{ "fuzz_sched", fuzz_sched_run },
	{ NULL, NULL },
};

const struct fuzz_target *fuzz_target_by_name(const char *name)
{
	const struct fuzz_target *t = NULL;

	for (t = fuzz_targets; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

const struct fuzz_target *fuzz_target_from_path(const char *path)
{
	const struct fuzz_target *found = NULL;
	const char *part = path;

	while (*part) {
		size_t len = strcspn(part, "/");
		const struct fuzz_target *t = NULL;

		for (t = fuzz_targets; t->name; t++)
			if (strlen(t->name) == len &&
			    !strncmp(t->name, part, len))
				found = t;
		part += len;
		part += strspn(part, "/");
	}
	return found;
}

const char *fuzz_target_names(void)
{
	static char names[256];
	const struct fuzz_target *t = NULL;
	size_t used = 0;

	if (names[0])
		return names;
	for (t = fuzz_targets; t->name && used < sizeof(names); t++)
		used += (size_t)snprintf(names + used, sizeof(names) - used,
					 "%s%s", used ? "|" : "", t->name);
	return names;
}

int fuzz_read_input(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	struct stat st = { 0 };
	int saved = 0;

	if (!f)
		return -1;
	if (fstat(fileno(f), &st)) {
		saved = errno;
		goto err;
	}
	if (!S_ISREG(st.st_mode)) {
		saved = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto err;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		saved = ENOMEM;
		goto err;
	}
	if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		saved = ferror(f) ? errno : EIO;
		goto err;
	}
	fclose(f);
	*data = buf;
	*size = (size_t)st.st_size;
	return 0;
err:
	free(buf);
	fclose(f);
	errno = saved;
	return -1;
}
