// LibRaw (thread-safe build) for GlimpseImage: camera raw files read from memory.
//
// LibRaw's parsers have crashed on damaged files (Debian's 0.20.2 dereferences a null pointer on some
// mutated DNGs), and a crash cannot be caught. So every LibRaw call runs in a child process that touches
// only this C code and LibRaw, writes its answer into shared memory and exits; the parent reads the
// answer, or learns which signal ended the child. One call, one child: files decode side by side.
//
// The child is the small `glimpse-raw-worker` executable started with posix_spawn (glimpse_raw_spawn),
// whose cost does not grow with the parent, or where that is not installed a fork of the parent
// (glimpse_raw_run), which copies the parent's page tables: about 0.1 s for a process holding 3 GB.
#ifndef GLIMPSE_CRAW_SHIM_H
#define GLIMPSE_CRAW_SHIM_H

// No feature macros here (such as _GNU_SOURCE): this header becomes a Clang module beside Glibc's, and
// the system headers must read the same in both.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <libraw/libraw.h>

#include "glimpse_raw_protocol.h"
#include "glimpse_raw_work.h"
#include "glimpse_raw_child.h"

#endif
