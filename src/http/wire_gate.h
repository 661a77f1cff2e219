/* http/wire_gate.h — a strict HTTP/1.1 request-framing validator over the raw byte stream of
 * one connection (RFC 9112), run before libmicrohttpd's lenient parser sees the bytes. Pure:
 * no I/O, no clock (the caller passes the time), no allocation; fuzzed by fuzz_framing. */
#ifndef DS_HTTP_WIRE_GATE_H
#define DS_HTTP_WIRE_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where the stream is between two bytes. */
enum wire_phase {
    WIRE_IDLE,       /* between messages: no byte of the next head yet */
    WIRE_HEAD,       /* inside a request head (request line or header lines) */
    WIRE_BODY,       /* inside a Content-Length body */
    WIRE_CHUNK_SIZE, /* inside a chunk-size line (with its extensions) */
    WIRE_CHUNK_DATA, /* inside chunk data */
    WIRE_CHUNK_END,  /* the CRLF after chunk data */
    WIRE_TRAILER,    /* trailer lines after the last chunk */
    WIRE_REFUSED,    /* a violation was found: nothing more is accepted */
};

struct wire_limits {
    size_t target_max;   /* request-target bytes; longer: 414 */
    size_t head_max;     /* bytes of the whole head; larger: 431 */
    unsigned args_max;   /* query arguments; more: 400 */
    unsigned fields_max; /* header fields; more: 431 */
    uint64_t body_max;   /* Content-Length values above this: 413 (the service's largest body) */
};

/* Why a stream was refused: the status and a fixed message (static storage), and whether
 * the refused request's path is a v1 Open Cloud path (its error envelope differs). */
struct wire_verdict {
    int status;
    const char *message;
    bool v1_family;
};

/* Per-connection parser state. Zero-initialise (or wire_stream_reset) before the first byte. */
struct wire_stream {
    enum wire_phase phase;
    uint8_t sub;                 /* position inside the current head line (WIRE_HEAD) */
    uint8_t name_len;            /* bytes of the current header name kept in name[] */
    bool name_long;              /* the name did not fit in name[] (so it is not one we track) */
    bool cr;                     /* a CR was seen; only LF may follow */
    bool http10;                 /* the request line said HTTP/1.0 */
    uint8_t value_state;         /* current value: 0 nothing yet, 1 inside, 2 trailing OWS */
    uint8_t value_kind;          /* which framing header the current value belongs to */
    uint8_t n_length;            /* Content-Length fields seen in this head */
    uint8_t n_encoding;          /* Transfer-Encoding fields seen in this head */
    uint8_t n_host;              /* Host fields seen in this head */
    bool length_bad;             /* a Content-Length value was not 1*DIGIT */
    bool length_huge;            /* a Content-Length value was above body_max */
    bool encoding_bad;           /* a Transfer-Encoding value was not exactly "chunked" */
    uint8_t enc_len;             /* bytes of the Transfer-Encoding value kept in enc[] */
    uint8_t prefix_len;          /* bytes of the request-target kept in prefix[] */
    uint8_t version_len;         /* bytes of the HTTP version kept in version[] */
    char name[24];               /* current header name, lower-cased */
    char enc[16];                /* current Transfer-Encoding value, lower-cased, spaces dropped */
    char prefix[12];             /* first bytes of the request-target (the API family) */
    char version[9];             /* the HTTP-version token */
    size_t head_bytes;           /* bytes of the current head so far */
    size_t target_bytes;         /* bytes of the request-target so far */
    unsigned args;               /* query arguments so far */
    unsigned fields;             /* header fields so far */
    bool in_query;               /* the target's '?' was seen */
    uint64_t value_num;          /* the Content-Length value being read */
    uint64_t length;             /* the Content-Length of this message */
    uint64_t remaining;          /* bytes left in the body or in the current chunk */
    unsigned chunk_digits;       /* hex digits of the current chunk size */
    bool chunk_ext;              /* inside chunk extensions (after ';') */
    uint64_t messages;           /* complete request messages seen */
    int64_t phase_since;         /* caller's time when the current phase began */
    struct wire_verdict verdict; /* set when phase becomes WIRE_REFUSED */
};

void wire_stream_reset(struct wire_stream *s);

/* Feeds len bytes received on the connection at time now (any monotonic unit).
 * Returns len when every byte is well framed. On a violation the stream becomes
 * WIRE_REFUSED, s->verdict says why, and the return value is the number of leading bytes
 * that belong to earlier, complete messages (so a request that was fine before a bad one
 * is still served); a refused stream returns 0 for every later call. */
size_t wire_feed(struct wire_stream *s, const struct wire_limits *lim, const char *data, size_t len,
                 int64_t now);

/* Refuses the stream from outside (e.g. a head deadline): status and a static message. */
void wire_refuse(struct wire_stream *s, int status, const char *message);

#endif
