/* api/served_files.c — GET /openapi.yaml, /openapi.json, /docs[/{asset}] and the web console
 * /ui[/{asset}]: files compiled into the binary (cmake/assets.S.in), served as they are, with
 * validators for caches and a strict Content-Security-Policy on the pages. */
#include "api/served_files.h"

#include <stdio.h>
#include <string.h>

#include "http/reply.h"

/* Symbols of cmake/assets.S.in: each file's first byte and the byte after its last. */
#define ASSET_SYMBOLS(name) extern const char ds_asset_##name[], ds_asset_##name##_end[]
ASSET_SYMBOLS(openapi_yaml);
ASSET_SYMBOLS(openapi_json);
ASSET_SYMBOLS(docs_html);
ASSET_SYMBOLS(docs_init_js);
ASSET_SYMBOLS(swagger_ui_js);
ASSET_SYMBOLS(swagger_ui_css);
ASSET_SYMBOLS(console_html);
ASSET_SYMBOLS(console_js);
ASSET_SYMBOLS(console_ops_js);
ASSET_SYMBOLS(console_css);

struct asset {
    const char *name; /* under /docs/, or NULL */
    const char *content_type;
    const char *start, *end;
};

#define ASSET(name, file, type)                                                                    \
    {                                                                                              \
        name, type, ds_asset_##file, ds_asset_##file##_end                                         \
    }
static const struct asset openapi_yaml = ASSET(NULL, openapi_yaml, "application/yaml");
static const struct asset openapi_json = ASSET(NULL, openapi_json, "application/json");
static const struct asset docs_html = ASSET(NULL, docs_html, "text/html; charset=utf-8");
static const struct asset docs_files[] = {
    ASSET("init.js", docs_init_js, "text/javascript; charset=utf-8"),
    ASSET("swagger-ui-bundle.js", swagger_ui_js, "text/javascript; charset=utf-8"),
    ASSET("swagger-ui.css", swagger_ui_css, "text/css; charset=utf-8"),
};
static const struct asset console_html = ASSET(NULL, console_html, "text/html; charset=utf-8");
static const struct asset console_files[] = {
    ASSET("app.js", console_js, "text/javascript; charset=utf-8"),
    ASSET("ops.js", console_ops_js, "text/javascript; charset=utf-8"),
    ASSET("app.css", console_css, "text/css; charset=utf-8"),
};

/* The pages and their files come from this server only (no inline script); Swagger UI and
 * the console set inline styles, show data: images, and the console downloads exports as
 * blob: links. */
#define PAGE_CSP                                                                                   \
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "           \
    "frame-ancestors 'none'"

static void serve(struct ds_request *req, const struct asset *a, bool page)
{
    size_t len = (size_t)(a->end - a->start);
    if (len == 0) {
        reply_fail(req, 404, NULL,
                   "This build has no Swagger UI bundle: run scripts/deps.sh (it installs "
                   "web/node_modules) and rebuild. The contract is at /openapi.yaml.");
        return;
    }
    /* The bytes are fixed for the life of the binary: a build id is a sound validator. */
    char etag[48];
    snprintf(etag, sizeof etag, "\"%s-%zx\"", DATASTORED_VERSION, len);
    const char *inm = req_header(req, "if-none-match");
    reply_header(req, "ETag", etag);
    reply_header(req, "Cache-Control", "no-cache");
    reply_header(req, "X-Content-Type-Options", "nosniff");
    if (page) reply_header(req, "Content-Security-Policy", PAGE_CSP);
    if (inm && strstr(inm, etag)) {
        reply_empty(req, 304);
        return;
    }
    reply_static(req, 200, a->content_type, a->start, len);
}

void contract_openapi_yaml(struct ds_request *req)
{
    serve(req, &openapi_yaml, false);
}

void contract_openapi_json(struct ds_request *req)
{
    serve(req, &openapi_json, false);
}

void contract_docs_page(struct ds_request *req)
{
    /* Without the bundle the page would be blank: say why instead. */
    if (docs_files[1].end == docs_files[1].start) {
        serve(req, &docs_files[1], true);
        return;
    }
    serve(req, &docs_html, true);
}

/* Serves the file of files[0..n) named by the {asset} capture, or a JSON 404. */
static void serve_named(struct ds_request *req, const struct asset *files, size_t n,
                        const char *missing)
{
    const char *name = req_param(req, "asset");
    for (size_t i = 0; name && i < n; i++) {
        if (!strcmp(files[i].name, name)) {
            serve(req, &files[i], true);
            return;
        }
    }
    reply_fail(req, 404, NULL, "%s", missing);
}

void contract_docs_asset(struct ds_request *req)
{
    serve_named(req, docs_files, sizeof docs_files / sizeof docs_files[0],
                "No such documentation file.");
}

void console_page(struct ds_request *req)
{
    serve(req, &console_html, true);
}

void console_asset(struct ds_request *req)
{
    serve_named(req, console_files, sizeof console_files / sizeof console_files[0],
                "No such console file.");
}

void console_redirect(struct ds_request *req)
{
    reply_header(req, "Location", "/ui");
    reply_empty(req, 302);
}
