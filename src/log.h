/* log.h — process logging to stderr in text or JSON lines. The level check happens
 * in the macro, before any argument is evaluated. Thread-safe: one write(2) per line. */
#ifndef DS_LOG_H
#define DS_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

/* Set once at start-up, before any thread exists; read-only afterwards. */
void log_configure(enum log_level level, bool json);
bool log_enabled(enum log_level level);
void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_at(lvl, ...)                                                                           \
    do {                                                                                           \
        if (log_enabled(lvl)) log_write(lvl, __VA_ARGS__);                                         \
    } while (0)
#define log_debug(...) log_at(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_at(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_at(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_at(LOG_ERROR, __VA_ARGS__)

#endif
