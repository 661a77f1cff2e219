/* exchange_log.h — records the suites' HTTP exchanges for the contract check. */
#ifndef DS_TEST_EXCHANGE_LOG_H
#define DS_TEST_EXCHANGE_LOG_H

#include "harness.h"

/* Empties $DATASTORED_EXCHANGE_LOG at the start of a run. */
void exchange_log_reset(void);
/* Appends one exchange to $DATASTORED_EXCHANGE_LOG (nothing when it is unset). */
void exchange_log_record(const char *method, const char *url, const char *const *headers,
                         const char *body, size_t body_len, const struct http_resp *resp);

#endif
