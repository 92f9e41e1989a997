/* gan export --web: the page's folder (gan/jobs/export.h). */
#ifndef GAN_JOBS_EXPORT_WEB_H
#define GAN_JOBS_EXPORT_WEB_H

#include "gan/core/error.h"
#include "gan/io/protobuf.h"
#include "gan/jobs/export.h"

/* Checks what writing the folder needs, before anything is written: the
 * runtime's files and version, and a target that is a new or empty folder
 * (or any folder, with force). */
gan_status gan_web_check(const gan_export_request *req, gan_error *err);
/* Writes the folder: the page, the model, info_json (what the page shows
 * about the generator) and the runtime's files. */
gan_status gan_web_write(const gan_export_request *req, const gan_pb *model, const char *info_json,
                         gan_error *err);

/* The page (src/web/index.html, embedded at build time). */
extern const char gan_web_index_html[];

#endif
