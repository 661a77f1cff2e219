/* log.c — formats one log line (text or JSON) and writes it to stderr in one call. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Process-wide logging settings: written once by log_configure() before threads start. */
static enum log_level min_level = LOG_INFO;
static bool json_lines = false;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_configure(enum log_level level, bool json)
{
    min_level = level;
    json_lines = json;
}

bool log_enabled(enum log_level level)
{
    return level >= min_level;
}

/* Appends s to buf as JSON string content (no quotes). Returns new length. */
static size_t json_escape(char *buf, size_t len, size_t cap, const char *s)
{
    for (; *s && len + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[len++] = '\\';
            buf[len++] = (char)c;
        } else if (c < 0x20) {
            len += (size_t)snprintf(buf + len, cap - len, "\\u%04x", c);
        } else {
            buf[len++] = (char)c;
        }
    }
    return len;
}

void log_write(enum log_level level, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char when[40];
    size_t w = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + w, sizeof when - w, ".%03ldZ", ts.tv_nsec / 1000000);

    char line[4096];
    size_t len;
    if (json_lines) {
        len = (size_t)snprintf(line, sizeof line, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"",
                               when, level_names[level]);
        len = json_escape(line, len, sizeof line - 4, msg);
        memcpy(line + len, "\"}\n", 3);
        len += 3;
    } else {
        int n = snprintf(line, sizeof line, "%s %-5s %s\n", when, level_names[level], msg);
        len = n < 0 ? 0 : ((size_t)n >= sizeof line ? sizeof line - 1 : (size_t)n);
        if (len == sizeof line - 1) line[len - 1] = '\n';
    }
    ssize_t rc = write(STDERR_FILENO, line, len);
    (void)rc;
}
