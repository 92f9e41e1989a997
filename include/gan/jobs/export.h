/* The job behind gan export: a generator checkpoint as an ONNX model, and
 * as a folder that samples it in a web browser (index.html, the model, and
 * ONNX Runtime Web's files; any static file server serves it). */
#ifndef GAN_JOBS_EXPORT_H
#define GAN_JOBS_EXPORT_H

#include <stdbool.h>

#include "gan/core/error.h"
#include "gan/core/path.h"

/* The ONNX Runtime Web release the page is written and tested against. */
#define GAN_WEB_RUNTIME_VERSION "1.17.0"
/* Where scripts/fetch_data.sh onnxruntime-web unpacks it (the package's
 * root, holding package.json and dist/), relative to the working folder. */
#define GAN_WEB_RUNTIME_DEFAULT "data/npm/onnxruntime-web"

typedef struct {
    const char *ckpt;     /* a generator checkpoint (g.bin) */
    const char *onnx;     /* write the ONNX model here, or NULL */
    const char *web;      /* write the page's folder here, or NULL */
    const char *runtime;  /* with web: onnxruntime-web's package folder */
    bool force;           /* with web: write into a folder that is not empty */
    const char *producer; /* the model's producer_version ("0.4.0 (commit)") */
} gan_export_request;

/* The paths written, in order: the model, then the folder. */
typedef struct {
    const char *written[2];
    int nwritten;
} gan_export_written;

/* Everything is checked before anything is written; each file is written
 * whole or not at all, and the folder appears whole (built beside it, then
 * renamed into place). A checkpoint that is not a generator, an existing
 * folder that is not empty (without force) or a runtime that is missing or
 * another version: GAN_ERR_INPUT, nothing written. */
gan_status gan_export(const gan_export_request *req, gan_export_written *done, gan_error *err);

/* Files of the page's folder that are not the runtime's. */
#define GAN_WEB_PAGE  "index.html"
#define GAN_WEB_MODEL "generator.onnx"
#define GAN_WEB_INFO  "generator.json"
#define GAN_WEB_ORT   "ort" /* the runtime's files */

#endif
