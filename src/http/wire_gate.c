/* http/wire_gate.c — strict HTTP/1.1 request framing (RFC 9112) as a byte-at-a-time state
 * machine: request line, header fields, Content-Length / chunked bodies and trailers. What
 * it refuses, libmicrohttpd 0.9.75 would either accept ambiguously (two Content-Length
 * fields, Content-Length with Transfer-Encoding, obs-fold, bare CR) or answer badly (HTML,
 * status line sent twice, or no answer at all). */
#include "http/wire_gate.h"

#include <string.h>

/* Positions inside a head (s->sub). */
enum {
    H_METHOD,     /* request method: tchar+ */
    H_TARGET,     /* request-target, up to the SP before the version */
    H_VERSION,    /* HTTP-version, up to CR */
    H_LINE_START, /* first byte of a header line (or the CR of the empty line) */
    H_NAME,       /* field name, up to ':' */
    H_VALUE,      /* field value, up to CR */
};

/* Which framing field the current value belongs to (s->value_kind). */
enum { V_OTHER, V_LENGTH, V_ENCODING, V_HOST };

#define REFUSE(s, st, msg)                                                                         \
    do {                                                                                           \
        wire_refuse((s), (st), (msg));                                                             \
        return boundary;                                                                           \
    } while (0)

void wire_stream_reset(struct wire_stream *s)
{
    memset(s, 0, sizeof *s);
}

void wire_refuse(struct wire_stream *s, int status, const char *message)
{
    if (s->phase == WIRE_REFUSED) return;
    s->phase = WIRE_REFUSED;
    s->verdict.status = status;
    s->verdict.message = message;
    s->verdict.v1_family = s->prefix_len >= 12 && memcmp(s->prefix, "/datastores/", 12) == 0;
}

/* RFC 9110 §5.6.2 tchar. */
static bool is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* Field-value bytes: VCHAR, obs-text, SP, HTAB (no NUL, CR, LF or other controls). */
static bool is_value_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

static bool is_hex(unsigned char c, unsigned *v)
{
    if (c >= '0' && c <= '9')
        *v = c - '0';
    else if (c >= 'a' && c <= 'f')
        *v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        *v = c - 'A' + 10;
    else
        return false;
    return true;
}

static unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static void begin_phase(struct wire_stream *s, enum wire_phase p, int64_t now)
{
    s->phase = p;
    s->phase_since = now;
}

static void begin_head(struct wire_stream *s, int64_t now)
{
    uint64_t messages = s->messages;
    wire_stream_reset(s);
    s->messages = messages;
    s->sub = H_METHOD;
    begin_phase(s, WIRE_HEAD, now);
}

static void message_done(struct wire_stream *s, int64_t now)
{
    s->messages++;
    begin_phase(s, WIRE_IDLE, now);
}

/* Classifies the field name just ended, for the value that follows. */
static void name_done(struct wire_stream *s)
{
    s->value_kind = V_OTHER;
    s->value_state = 0;
    s->enc_len = 0;
    s->value_num = 0;
    if (s->name_long) return;
    if (s->name_len == 14 && memcmp(s->name, "content-length", 14) == 0) {
        s->value_kind = V_LENGTH;
        s->n_length++;
    } else if (s->name_len == 17 && memcmp(s->name, "transfer-encoding", 17) == 0) {
        s->value_kind = V_ENCODING;
        s->n_encoding++;
    } else if (s->name_len == 4 && memcmp(s->name, "host", 4) == 0) {
        s->value_kind = V_HOST;
        s->n_host++;
    }
}

/* One value byte (already known to be a legal field-value byte). */
static void value_byte(struct wire_stream *s, const struct wire_limits *lim, unsigned char c)
{
    bool space = c == ' ' || c == '\t';
    if (s->value_kind == V_LENGTH) {
        if (space) {
            if (s->value_state) s->value_state = 2; /* trailing OWS: no more digits */
        } else if (c < '0' || c > '9' || s->value_state == 2) {
            s->length_bad = true;
        } else {
            s->value_state = 1;
            uint64_t d = (uint64_t)(c - '0');
            if (s->value_num > (UINT64_MAX - d) / 10)
                s->length_huge = true;
            else
                s->value_num = s->value_num * 10 + d;
            if (s->value_num > lim->body_max) s->length_huge = true;
        }
    } else if (s->value_kind == V_ENCODING && !space) {
        if (s->enc_len < sizeof s->enc) s->enc[s->enc_len] = (char)lower(c);
        s->enc_len++;
        s->value_state = 1;
    } else if (!space) {
        s->value_state = 1;
    }
}

/* The value of the current field has ended (at its CR). */
static void value_done(struct wire_stream *s)
{
    if (s->value_kind == V_LENGTH) {
        if (!s->value_state) s->length_bad = true;
        s->length = s->value_num;
    }
    if (s->value_kind == V_ENCODING && !(s->enc_len == 7 && memcmp(s->enc, "chunked", 7) == 0))
        s->encoding_bad = true;
}

/* The empty line ended the head: decide the body. 0 if accepted, else the status. */
static int head_done(struct wire_stream *s, const char **why)
{
    if (!s->http10 && s->n_host != 1) {
        *why = s->n_host ? "The request has more than one Host header field."
                         : "An HTTP/1.1 request needs a Host header field.";
        return 400;
    }
    if (s->n_length > 1) {
        *why = "The request has more than one Content-Length header field.";
        return 400;
    }
    if (s->n_length && s->n_encoding) {
        *why = "The request has both Content-Length and Transfer-Encoding.";
        return 400;
    }
    if (s->n_encoding && s->http10) {
        *why = "Transfer-Encoding is not allowed in an HTTP/1.0 request.";
        return 400;
    }
    if (s->n_encoding > 1 || s->encoding_bad) {
        *why = "Only the chunked Transfer-Encoding is supported.";
        return 501;
    }
    if (s->length_bad) {
        *why = "The Content-Length header field is not a decimal number.";
        return 400;
    }
    if (s->length_huge) {
        *why = "The request body is larger than the service accepts.";
        return 413;
    }
    return 0;
}

/* A byte of the request target (after the method, before " HTTP/x.y"). */
static int target_byte(struct wire_stream *s, const struct wire_limits *lim, unsigned char c,
                       const char **why)
{
    if (c == ' ' && s->target_bytes > 0) {
        s->sub = H_VERSION;
        return 0;
    }
    if (c <= 0x20 || c == 0x7f) {
        *why = "The request target contains a control character or space.";
        return 400;
    }
    if (++s->target_bytes > lim->target_max) {
        *why = "The URL is too long.";
        return 414;
    }
    if (s->prefix_len < sizeof s->prefix) s->prefix[s->prefix_len++] = (char)c;
    if (c == '?' && !s->in_query) {
        s->in_query = true;
        s->args = 1;
    } else if (c == '&' && s->in_query && ++s->args > lim->args_max) {
        *why = "The URL has too many query arguments.";
        return 400;
    }
    return 0;
}

/* A byte of the HTTP version that ends the request line. */
static int version_byte(struct wire_stream *s, unsigned char c, const char **why)
{
    if (c == '\r') {
        s->version[s->version_len] = '\0';
        if (strcmp(s->version, "HTTP/1.1") == 0) {
            s->http10 = false;
        } else if (strcmp(s->version, "HTTP/1.0") == 0) {
            s->http10 = true;
        } else if (s->version_len == 8 && memcmp(s->version, "HTTP/", 5) == 0) {
            *why = "Only HTTP/1.0 and HTTP/1.1 are supported.";
            return 505;
        } else {
            *why = "The request line is malformed.";
            return 400;
        }
        s->cr = true;
        return 0;
    }
    if (s->version_len >= 8 || c <= 0x20 || c >= 0x7f) {
        *why = "The request line is malformed.";
        return 400;
    }
    s->version[s->version_len++] = (char)c;
    return 0;
}

/* A byte at the start of a header line (a new field, or the CR of the empty line) or of a
 * field name. */
static int name_byte(struct wire_stream *s, const struct wire_limits *lim, unsigned char c,
                     const char **why)
{
    if (s->sub == H_LINE_START) {
        if (c == '\r') {
            s->cr = true;
            return 0;
        }
        if (c == ' ' || c == '\t') {
            *why = "Header field line folding (obs-fold) is not accepted.";
            return 400;
        }
        if (++s->fields > lim->fields_max) {
            *why = "The request has too many header fields.";
            return 431;
        }
        s->name_len = 0;
        s->name_long = false;
        s->sub = H_NAME;
    }
    if (c == ':') {
        name_done(s);
        s->sub = H_VALUE;
        return 0;
    }
    if (!is_tchar(c)) {
        *why = c == ' ' || c == '\t' ? "Whitespace before the colon of a header field."
                                     : "A header field name is malformed.";
        return 400;
    }
    if (s->name_len < sizeof s->name)
        s->name[s->name_len++] = (char)lower(c);
    else
        s->name_long = true;
    return 0;
}

/* One byte of a head. Returns 0, -1 at the end of the head, or the status to refuse with
 * (and *why). */
static int head_byte(struct wire_stream *s, const struct wire_limits *lim, unsigned char c,
                     const char **why)
{
    if (++s->head_bytes > lim->head_max) {
        *why = "The request head is too large.";
        return 431;
    }
    if (s->cr) { /* only LF may follow CR */
        s->cr = false;
        if (c != '\n') {
            *why = "A CR in the request head is not followed by LF.";
            return 400;
        }
        if (s->sub == H_LINE_START) return -1; /* the empty line: end of head */
        s->sub = H_LINE_START;
        return 0;
    }
    if (c == '\n') {
        *why = "A line of the request head ends in a bare LF.";
        return 400;
    }
    switch (s->sub) {
    case H_METHOD:
        if (c == ' ' && s->head_bytes > 1) {
            s->sub = H_TARGET;
            return 0;
        }
        if (is_tchar(c)) return 0;
        *why = "The request line is malformed.";
        return 400;
    case H_TARGET:
        return target_byte(s, lim, c, why);
    case H_VERSION:
        return version_byte(s, c, why);
    case H_LINE_START:
    case H_NAME:
        return name_byte(s, lim, c, why);
    case H_VALUE:
        if (c == '\r') {
            value_done(s);
            s->cr = true;
            return 0;
        }
        if (!is_value_byte(c)) {
            *why = "A header field value contains a NUL or control character.";
            return 400;
        }
        value_byte(s, lim, c);
        return 0;
    default:
        *why = "The request head is malformed.";
        return 400;
    }
}

/* One byte of a chunk-size line or of the CRLF after chunk data. 0 or a status. */
static int chunk_byte(struct wire_stream *s, unsigned char c, const char **why)
{
    *why = "The chunked request body is malformed.";
    if (s->cr) {
        s->cr = false;
        return c == '\n' ? -1 : 400;
    }
    if (c == '\r') {
        if (s->phase == WIRE_CHUNK_SIZE && s->chunk_digits == 0) return 400;
        s->cr = true;
        return 0;
    }
    if (s->phase == WIRE_CHUNK_END) return 400;
    unsigned v;
    if (!s->chunk_ext && is_hex(c, &v)) {
        if (++s->chunk_digits > 15) return 400; /* 2^60: no body is that large */
        s->remaining = s->remaining * 16 + v;
        return 0;
    }
    if (c == ';' && s->chunk_digits > 0)
        s->chunk_ext = true;
    else if (!s->chunk_ext || !is_value_byte(c))
        return 400;
    return 0;
}

/* One byte of the trailer section. 0, -1 at its end, or a status. */
static int trailer_byte(struct wire_stream *s, unsigned char c, const char **why)
{
    *why = "The trailer of the chunked request body is malformed.";
    if (s->cr) {
        s->cr = false;
        if (c != '\n') return 400;
        if (s->sub == H_LINE_START) return -1;
        s->sub = H_LINE_START;
        return 0;
    }
    if (c == '\r') {
        s->cr = true;
        return 0;
    }
    if (s->sub == H_LINE_START && (c == ' ' || c == '\t')) return 400;
    if (!is_value_byte(c)) return 400;
    s->sub = H_VALUE;
    return 0;
}

/* After a complete head: starts reading its body (true) or, with none, false. */
static bool body_starts(struct wire_stream *s, int64_t now)
{
    if (s->n_encoding) {
        s->remaining = 0;
        s->chunk_digits = 0;
        s->chunk_ext = false;
        begin_phase(s, WIRE_CHUNK_SIZE, now);
        return true;
    }
    if (s->length > 0) {
        s->remaining = s->length;
        begin_phase(s, WIRE_BODY, now);
        return true;
    }
    return false;
}

/* After a chunk-size line (data follows, or the last chunk's trailer) or the CRLF that ends a
 * chunk's data (the next size line follows). */
static void chunk_line_done(struct wire_stream *s)
{
    if (s->phase == WIRE_CHUNK_END) {
        s->phase = WIRE_CHUNK_SIZE;
        s->remaining = 0;
        s->chunk_digits = 0;
        s->chunk_ext = false;
    } else if (s->remaining == 0) {
        s->phase = WIRE_TRAILER;
        s->sub = H_LINE_START;
    } else {
        s->phase = WIRE_CHUNK_DATA;
    }
}

size_t wire_feed(struct wire_stream *s, const struct wire_limits *lim, const char *data, size_t len,
                 int64_t now)
{
    size_t boundary = 0; /* bytes that belong to messages complete before the current one */
    const char *why = NULL;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)data[i];
        int st;
        switch (s->phase) {
        case WIRE_REFUSED:
            return 0;
        case WIRE_IDLE:
            if (c == '\r' || c == '\n') { /* RFC 9112 §2.2: empty lines before a request */
                i++;
                boundary = i;
                continue;
            }
            begin_head(s, now);
            continue; /* the same byte starts the head */
        case WIRE_HEAD:
            st = head_byte(s, lim, c, &why);
            if (st > 0) REFUSE(s, st, why);
            i++;
            if (st < 0) {
                st = head_done(s, &why);
                if (st > 0) REFUSE(s, st, why);
                if (body_starts(s, now)) continue;
                message_done(s, now);
                boundary = i;
            }
            continue;
        case WIRE_BODY:
        case WIRE_CHUNK_DATA: {
            size_t take = len - i;
            if ((uint64_t)take > s->remaining) take = (size_t)s->remaining;
            s->remaining -= take;
            i += take;
            if (s->remaining > 0) continue;
            if (s->phase == WIRE_BODY) {
                message_done(s, now);
                boundary = i;
            } else {
                s->phase = WIRE_CHUNK_END;
            }
            continue;
        }
        case WIRE_CHUNK_SIZE:
        case WIRE_CHUNK_END:
            st = chunk_byte(s, c, &why);
            if (st > 0) REFUSE(s, st, why);
            i++;
            if (st < 0) chunk_line_done(s);
            continue;
        case WIRE_TRAILER:
            st = trailer_byte(s, c, &why);
            if (st > 0) REFUSE(s, st, why);
            i++;
            if (st < 0) {
                message_done(s, now);
                boundary = i;
            }
            continue;
        }
    }
    return len;
}
