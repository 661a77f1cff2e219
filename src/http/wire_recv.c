/* http/wire_recv.c — the recv(2) hook: libmicrohttpd reads client sockets with recv, and
 * this definition (in the executable, so it takes precedence over libc's) routes those reads
 * through the wire guard. Sockets the guard does not know (libpq's, libcurl's) pass straight
 * to the kernel. Linked only into datastored, never into libraries or tests. */
#include <sys/socket.h>

#include "http/wire_guard.h"

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    return wire_guard_recv(fd, buf, len, flags);
}
