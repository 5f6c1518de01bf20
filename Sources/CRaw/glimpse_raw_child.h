// Starting a LibRaw child process and waiting for its answer: a fork of this process, or the worker program.
#ifndef GLIMPSE_RAW_CHILD_H
#define GLIMPSE_RAW_CHILD_H

#include "glimpse_raw_work.h"

/// Waits for the child, killing it once it has run `seconds`, and notes in `answer` how it ended: the
/// time limit, the signal that ended it, or an exit without an answer (a failing exit status).
static void glimpse_raw_wait(pid_t child, unsigned seconds, glimpse_raw_answer *answer) {
    long long left = (long long)seconds * 1000; // milliseconds
    int finished = 0, reaped = 0, status = 0;
#ifdef SYS_pidfd_open
    int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
    if (pidfd >= 0) {
        struct pollfd ready = {pidfd, POLLIN, 0};
        int polled;
        do { polled = poll(&ready, 1, (int)left); } while (polled < 0 && errno == EINTR);
        close(pidfd);
        finished = polled != 0;
        left = 0;
    }
#endif
    // Without pidfd_open (Linux before 5.3): look every 5 ms.
    while (!finished && left > 0) {
        pid_t ended = waitpid(child, &status, WNOHANG);
        if (ended == child) { finished = reaped = 1; break; }
        if (ended < 0 && errno != EINTR) { answer->exited_oddly = 1; return; }
        struct timespec pause = {0, 5000000};
        nanosleep(&pause, NULL);
        left -= 5;
    }
    if (!finished) {
        kill(child, SIGKILL);
        answer->timed_out = 1;
    }
    if (!reaped) {
        pid_t ended;
        while ((ended = waitpid(child, &status, 0)) < 0 && errno == EINTR) {}
        if (ended < 0) { answer->exited_oddly = 1; return; }
    }
    if (WIFSIGNALED(status)) answer->signal = WTERMSIG(status);
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) answer->exited_oddly = 1;
}

/// Runs `request` on `size` bytes at `data` in a child process. On return `*mapping` (`*mapping_size` bytes,
/// to be freed with munmap) holds the answer followed by `capacity` bytes of output. -1 with errno set when
/// no child could be started.
static int glimpse_raw_run(const glimpse_raw_request *request, const void *data, size_t size, size_t capacity,
                           void **mapping, size_t *mapping_size) {
    size_t total = sizeof(glimpse_raw_answer) + capacity;
    void *shared = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (shared == MAP_FAILED) return -1;
    glimpse_raw_answer *answer = (glimpse_raw_answer *)shared;
    memset(answer, 0, sizeof(*answer));
    answer->exited_oddly = 1;
    pid_t child = fork();
    if (child < 0) { int saved = errno; munmap(shared, total); errno = saved; return -1; }
    if (child == 0) {
        glimpse_raw_child_setup();
        glimpse_raw_work(request, data, size, answer, (unsigned char *)shared + sizeof(*answer), capacity);
        answer->exited_oddly = 0;
        _exit(0);
    }
    glimpse_raw_wait(child, request->seconds, answer);
    *mapping = shared;
    *mapping_size = total;
    return 0;
}

/// A memory file (memfd_create, called through syscall: glibc declares it only under _GNU_SOURCE), closed
/// on exec, at a descriptor of 10 or more, so that the dup2s of glimpse_raw_spawn each make a new descriptor.
static int glimpse_raw_memory_file(const char *name) {
    int fd = (int)syscall(SYS_memfd_create, name, 1U /* MFD_CLOEXEC */);
    if (fd < 0) return -1;
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    close(fd);
    return high;
}

/// Writes all `size` bytes at `data` to `fd`. 0 or -1.
static int glimpse_raw_write_all(int fd, const unsigned char *data, size_t size) {
    while (size > 0) {
        ssize_t written = write(fd, data, size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return -1;
        data += written;
        size -= (size_t)written;
    }
    return 0;
}

/// As glimpse_raw_run, with the executable at `worker` as the child: the bytes go to it in a memory file,
/// the request as its arguments, and the answer comes back in another memory file. -1 with errno set when
/// the worker could not be started.
static int glimpse_raw_spawn(const char *worker, const glimpse_raw_request *request, const void *data, size_t size,
                             size_t capacity, void **mapping, size_t *mapping_size) {
    size_t total = sizeof(glimpse_raw_answer) + capacity;
    int input = glimpse_raw_memory_file("glimpse-raw-input"), output = glimpse_raw_memory_file("glimpse-raw-output");
    int saved = 0;
    void *shared = MAP_FAILED;
    if (input < 0 || output < 0 || glimpse_raw_write_all(input, (const unsigned char *)data, size) != 0
        || ftruncate(output, (off_t)total) != 0
        || (shared = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, output, 0)) == MAP_FAILED) {
        saved = errno;
        if (input >= 0) close(input);
        if (output >= 0) close(output);
        errno = saved;
        return -1;
    }
    glimpse_raw_answer *answer = (glimpse_raw_answer *)shared;
    memset(answer, 0, sizeof(*answer));
    answer->exited_oddly = 1;
    char arguments[7][32];
    snprintf(arguments[0], 32, "%d", (int)request->task);
    snprintf(arguments[1], 32, "%d", request->apply_flip);
    snprintf(arguments[2], 32, "%d", request->use_preview);
    snprintf(arguments[3], 32, "%d", request->preview_long_side);
    snprintf(arguments[4], 32, "%lld", request->max_pixels);
    snprintf(arguments[5], 32, "%u", request->seconds);
    snprintf(arguments[6], 32, "%zu", capacity);
    char *argv[] = {(char *)worker, arguments[0], arguments[1], arguments[2], arguments[3], arguments[4], arguments[5],
                    arguments[6], NULL};
    char *envp[] = {NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, input, GLIMPSE_RAW_WORKER_INPUT);
    posix_spawn_file_actions_adddup2(&actions, output, GLIMPSE_RAW_WORKER_OUTPUT);
    pid_t child = 0;
    int failed = posix_spawn(&child, worker, &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    close(input);
    close(output);
    if (failed) {
        munmap(shared, total);
        errno = failed;
        return -1;
    }
    glimpse_raw_wait(child, request->seconds, answer);
    *mapping = shared;
    *mapping_size = total;
    return 0;
}

#endif
