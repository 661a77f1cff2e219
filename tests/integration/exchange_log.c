/* exchange_log.c — appends every request the suites send through http_do, and the answer,
 * to $DATASTORED_EXCHANGE_LOG as one JSON line each, for tests/contract/check-exchanges.mjs
 * to validate against api/openapi.yaml. */
#include "exchange_log.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Bodies larger than this are recorded as truncated (their size only): the hostile suites
 * send multi-megabyte bodies, and their schemas are checked on the smaller ones. */
#define EXCHANGE_BODY_MAX (256 * 1024)

static void add_body(struct json_object *o, const char *key, const char *body, size_t len)
{
    if (!body) return;
    if (len > EXCHANGE_BODY_MAX || memchr(body, '\0', len)) {
        json_object_object_add(o, key, json_object_new_null());
        json_object_object_add(o, "truncated", json_object_new_boolean(1));
        return;
    }
    json_object_object_add(o, key, json_object_new_string_len(body, (int)len));
}

void exchange_log_reset(void)
{
    const char *path = getenv("DATASTORED_EXCHANGE_LOG");
    if (!path || !*path) return;
    int fd = open(path, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
}

void exchange_log_record(const char *method, const char *url, const char *const *headers,
                         const char *body, size_t body_len, const struct http_resp *resp)
{
    const char *path = getenv("DATASTORED_EXCHANGE_LOG");
    if (!path || !*path) return;
    struct json_object *line = json_object_new_object();
    struct json_object *req = json_object_new_object(), *res = json_object_new_object();
    struct json_object *hdrs = json_object_new_array();
    ck_assert_ptr_nonnull(line);
    ck_assert_ptr_nonnull(req);
    ck_assert_ptr_nonnull(res);
    ck_assert_ptr_nonnull(hdrs);
    json_object_object_add(req, "method", json_object_new_string(method));
    json_object_object_add(req, "url", json_object_new_string(url));
    for (int i = 0; headers && headers[i]; i++)
        json_object_array_add(hdrs, json_object_new_string(headers[i]));
    json_object_object_add(req, "headers", hdrs);
    add_body(req, "body", body, body_len);
    json_object_object_add(res, "status", json_object_new_int64(resp->status));
    json_object_object_add(res, "headers", json_object_new_string(resp->headers));
    add_body(res, "body", resp->body, resp->len);
    json_object_object_add(line, "request", req);
    json_object_object_add(line, "response", res);
    const char *text = json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN);
    ck_assert_ptr_nonnull(text);
    /* One write per line on an O_APPEND descriptor: the suites' forked tests share the file
     * and lines never interleave. */
    size_t n = strlen(text);
    char *buf = malloc(n + 1);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, text, n);
    buf[n] = '\n';
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    ck_assert_msg(fd >= 0, "cannot open %s", path);
    ck_assert_msg(write(fd, buf, n + 1) == (ssize_t)(n + 1), "short write to %s", path);
    close(fd);
    free(buf);
    json_object_put(line);
}
