/* fuzz_framing.c — the wire gate (http/wire_gate.c) on arbitrary bytes. The first byte
 * picks a chunk size; the rest is fed whole and again in chunks of that size. Oracles: both
 * runs reach the same verdict and pass the same bytes (framing cannot depend on how TCP cut
 * the stream), nothing passes beyond a refusal, and a refused stream accepts nothing more. */
#include <assert.h>

#include "http/wire_gate.h"
#include "fuzz.h"

static const struct wire_limits limits = {
    .target_max = 512, .head_max = 2048, .args_max = 8, .fields_max = 16, .body_max = 4096};

/* Feeds data in pieces of chunk bytes; returns the bytes passed in total. */
static size_t feed(struct wire_stream *s, const char *data, size_t size, size_t chunk)
{
    size_t passed = 0;
    for (size_t off = 0; off < size; off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        size_t p = wire_feed(s, &limits, data + off, n, (int64_t)off);
        assert(p <= n);
        if (s->phase == WIRE_REFUSED) {
            passed += p;
            assert(wire_feed(s, &limits, data, size, 0) == 0);
            return passed;
        }
        assert(p == n);
        passed += n;
    }
    return passed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t chunk = (size_t)data[0] % 16 + 1;
    const char *bytes = (const char *)data + 1;
    size--;
    struct wire_stream whole, pieces;
    wire_stream_reset(&whole);
    wire_stream_reset(&pieces);
    size_t a = feed(&whole, bytes, size, size ? size : 1);
    size_t b = feed(&pieces, bytes, size, chunk);
    assert(whole.phase == pieces.phase);
    assert(whole.messages == pieces.messages);
    if (whole.phase == WIRE_REFUSED) {
        assert(whole.verdict.status == pieces.verdict.status);
        /* whole passes the messages complete before the bad one; pieces may also have passed
         * the bad one's first bytes in earlier chunks, never more than the stream. */
        assert(a <= b && b <= size);
    } else {
        assert(a == size && b == size);
    }
    return 0;
}
