/* api/admission.h — carrying out an admission verdict (service/admission.h) on a request:
 * go ahead, answer 429 with Retry-After, or park the request FIFO behind its key so that it
 * runs again when the key's window opens. */
#ifndef DS_API_ADMISSION_H
#define DS_API_ADMISSION_H

#include <stdbool.h>
#include <stddef.h>

#include "http/request.h"
#include "service/admission.h"

/* True for ADMIT_PROCEED; otherwise the request has been answered or parked. */
bool admitted_or_reply(struct ds_request *req, const struct admission *a);

/* The key's read or write throughput (see admit_throughput); replies when refused. */
bool throughput_or_reply(struct ds_request *req, const struct entry_ref *ref, bool write,
                         size_t bytes, bool check_only);

/* Replies to a failed write of kind ("standard", "ordered"); a cooldown refusal is queued
 * (at most ADMIT_QUEUE_DEPTH deep, like Roblox's queues) or rejected. */
void reply_write_failure(struct ds_request *req, const struct ds_error *err, const char *kind,
                         const struct entry_ref *ref);

#endif
