/* client_transfer.c — libdatastore's streamed transfers (dsc_transfer): a request body read
 * from a FILE and a 2xx answer written to one, never held in memory, with progress. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "client/client_internal.h"

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    dsc_client *c = user;
    if (c->progress) {
        if (ultotal > 0 && ulnow < ultotal)
            c->progress(ulnow, ultotal, c->progress_user);
        else
            c->progress(dlnow > 0 ? dlnow : ulnow, dlnow > 0 ? dltotal : ultotal, c->progress_user);
    }
    return 0;
}

struct transfer_sink {
    long status; /* of the latest status line */
    FILE *download;
    struct dsc_buf error_body; /* the body of a non-2xx answer */
    bool write_failed;
};

static size_t on_stream_body(char *data, size_t size, size_t n, void *user)
{
    struct transfer_sink *t = user;
    if (t->status >= 200 && t->status < 300) {
        if (!t->download) return size * n;
        if (fwrite(data, size, n, t->download) != n) {
            t->write_failed = true;
            return 0;
        }
        return size * n;
    }
    if (t->error_body.len > 65536) return size * n; /* keep the start of an error */
    return dsc_buf_append(&t->error_body, data, size * n) ? size * n : 0;
}

/* libcurl reports the response code only once the transfer ends: read the status line. */
static size_t on_stream_header(char *data, size_t size, size_t n, void *user)
{
    struct transfer_sink *t = user;
    int status;
    if (size * n > 12 && strncmp(data, "HTTP/", 5) == 0 &&
        sscanf(data, "HTTP/%*s %d", &status) == 1)
        t->status = status;
    return size * n;
}

static size_t on_stream_read(char *buffer, size_t size, size_t n, void *user)
{
    FILE *f = user;
    size_t got = fread(buffer, 1, size * n, f);
    return got == 0 && ferror(f) ? CURL_READFUNC_ABORT : got;
}

dsc_result dsc_transfer(dsc_client *c, const char *method, const char *path, FILE *upload,
                        FILE *download, long *status)
{
    dsc_begin(c);
    *status = 0;
    struct curl_slist *headers = NULL;
    struct transfer_sink sink = {.download = download};
    char errbuf[CURL_ERROR_SIZE] = "";
    if (!dsc_add_header(&headers, "Content-Type", "application/json") ||
        !dsc_prepare(c, method, path, &headers, NULL)) {
        curl_slist_free_all(headers);
        return dsc_fail(c, DSC_ERR_NOMEM, "out of memory");
    }
    if (upload) {
        struct stat st;
        curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
        curl_easy_setopt(c->curl, CURLOPT_READFUNCTION, on_stream_read);
        curl_easy_setopt(c->curl, CURLOPT_READDATA, upload);
        if (fstat(fileno(upload), &st) == 0 && S_ISREG(st.st_mode))
            curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
                             (curl_off_t)(st.st_size - ftello(upload)));
    }
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_stream_body);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_stream_header);
    curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, &sink);
    curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, 0L); /* a big export may take minutes */
    if (c->progress) {
        curl_easy_setopt(c->curl, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c->curl, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c->curl, CURLOPT_XFERINFODATA, c);
    }
    c->attempts = 1;
    CURLcode rc = curl_easy_perform(c->curl);
    curl_slist_free_all(headers);
    dsc_result result = DSC_OK;
    if (sink.write_failed) {
        result = dsc_fail(c, DSC_ERR_INVALID, "writing the answer failed: %s", strerror(errno));
    } else if (rc != CURLE_OK) {
        result = dsc_fail(c, DSC_ERR_TRANSPORT, "%s %s: %s", method, path,
                          errbuf[0] ? errbuf : curl_easy_strerror(rc));
    } else {
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
        if (*status >= 400) {
            struct dsc_reply reply = {.status = *status, .body = sink.error_body};
            dsc_fail_reply(c, &reply);
        }
    }
    dsc_buf_free(&sink.error_body);
    return result;
}
