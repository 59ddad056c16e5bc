/* balloon_floor: the host's own rate of returning guest-RAM-like memory:
 * a memfd of SIZE MiB mapped MAP_SHARED and touched, then given back 2 MiB
 * at a time the way hospes-hv gives back one coalesced run (mmap PROT_NONE
 * MAP_FIXED over it, then fallocate PUNCH_HOLE). Prints
 *   balloon_floor_mib_s <MiB freed per second, measured with fstat>
 * Usage: balloon_floor SIZE_MIB */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (2ul << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long backed(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : (long)st.st_blocks * 512;
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 128, size = mib << 20;
	int fd = memfd_create("balloon-floor", MFD_CLOEXEC);
	uint8_t *p;
	long before, after;
	double t0, t;

	if (fd < 0 || !mib || ftruncate(fd, (off_t)size)) {
		perror("balloon_floor: memfd");
		return 1;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("balloon_floor: mmap");
		return 1;
	}
	for (unsigned long off = 0; off < size; off += 4096)
		p[off] = 1;
	before = backed(fd);
	t0 = now();
	for (unsigned long off = 0; off < size; off += CHUNK) {
		if (mmap(p + off, CHUNK, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
			 -1, 0) == MAP_FAILED ||
		    fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)CHUNK)) {
			perror("balloon_floor: give back");
			return 1;
		}
	}
	t = now() - t0;
	after = backed(fd);
	printf("balloon_floor_mib_s %.1f\n", (double)(before - after) / (1 << 20) / t);
	return 0;
}
