/* fuzz_router.c — the route matcher and path-segment decoding: any method and raw path. The
 * first byte picks the method; a match must capture only NUL-free, decoded segments. */
#include <assert.h>

#include "fuzz.h"
#include "http/request.h"
#include "dispatch/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};
    if (size < 1) return 0;
    struct ds_request req;
    memset(&req, 0, sizeof req);
    req.method = methods[data[0] % 6];
    req.path = fuzz_cstr(data + 1, size - 1);
    if (!req.path) return 0;
    bool bad_escape;
    if (router_match(&req, &bad_escape)) {
        assert(req.route);
        for (int i = 0; i < req.n_params; i++)
            assert(strlen(req.params[i].value) == req.params[i].value_len);
    }
    for (int i = 0; i < req.n_params; i++)
        free(req.params[i].value);
    free(req.path);
    return 0;
}
