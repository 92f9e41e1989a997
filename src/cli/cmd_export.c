#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "gan/jobs/export.h"
#include "gan_build_info.h" /* the model's producer_version */

static const cli_option OPTIONS[] = {
    {"ckpt", 0, "FILE", false, "generator checkpoint (g.bin from gan train; with train.ema, the average)"},
    {"onnx", 0, "FILE", false,
     "write the generator as an ONNX model (opset 13): inputs z [n, nz] float32\n"
     "(and labels [n] int64 for a conditional one), output images [n, C, H, W]\n"
     "in [-1, 1]; batchnorm from the running statistics, as gan sample"},
    {"web", 0, "DIR", false,
     "write a folder that samples the generator in a web browser: index.html,\n"
     "the model and ONNX Runtime Web. Serve it with any static file server\n"
     "(cd DIR && python3 -m http.server)"},
    {"runtime", 0, "DIR", false,
     "with --web: onnxruntime-web " GAN_WEB_RUNTIME_VERSION "'s npm package folder (default\n"
     "$GAN_WEB_RUNTIME, else " GAN_WEB_RUNTIME_DEFAULT ", where\n"
     "scripts/fetch_data.sh onnxruntime-web puts it)"},
    {"force", 0, NULL, false, "with --web: write into a folder that is not empty (its other files stay)"},
    {"quiet", 'q', NULL, false, "print nothing but errors"},
};

const cli_command CLI_EXPORT = {
    .name = "export",
    .usage = "--ckpt G.bin (--onnx FILE | --web DIR)... [options]",
    .about = "Exports a generator for use without gan: an ONNX model any ONNX runtime runs,\n"
             "and/or a static web page that draws samples in the browser (a grid from a\n"
             "seed, the seed's gan sample images; a class picker; a latent-space slider).\n"
             "Prints every path it wrote, one per line, on stdout.",
    .options = OPTIONS,
    .noptions = sizeof OPTIONS / sizeof OPTIONS[0],
};

static int read_args(const cli_args *a, gan_export_request *req, bool *quiet)
{
    const char *runtime = cli_get(&CLI_EXPORT, a, "runtime");
    if (!runtime) runtime = getenv("GAN_WEB_RUNTIME");
    *req = (gan_export_request){.ckpt = cli_get(&CLI_EXPORT, a, "ckpt"),
                                .onnx = cli_get(&CLI_EXPORT, a, "onnx"),
                                .web = cli_get(&CLI_EXPORT, a, "web"),
                                .runtime = runtime && runtime[0] ? runtime : GAN_WEB_RUNTIME_DEFAULT,
                                .force = cli_flag(&CLI_EXPORT, a, "force"),
                                .producer = GAN_VERSION " (" GAN_GIT_COMMIT ")"};
    *quiet = cli_flag(&CLI_EXPORT, a, "quiet");
    if (a->noperands > 0) return cli_usage_error(CLI_EXPORT.name, "unexpected argument '%s'", a->operands[0]);
    if (!req->ckpt) return cli_usage_error(CLI_EXPORT.name, "--ckpt FILE is required");
    if (!req->onnx && !req->web)
        return cli_usage_error(CLI_EXPORT.name, "nothing to write: give --onnx FILE and/or --web DIR");
    if (!req->web && (req->force || cli_get(&CLI_EXPORT, a, "runtime")))
        return cli_usage_error(CLI_EXPORT.name, "--%s goes with --web", req->force ? "force" : "runtime");
    return EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
    cli_args a;
    int code = cli_parse(&CLI_EXPORT, argc, argv, &a);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    gan_export_request req;
    bool quiet = false;
    code = read_args(&a, &req, &quiet);
    if (code == EXIT_OK) {
        gan_error err;
        gan_export_written done;
        const gan_status rc = gan_export(&req, &done, &err);
        for (int i = 0; i < done.nwritten && !quiet; i++) {
            cli_printf_safe(stdout, "%s", done.written[i]);
            putchar('\n');
        }
        if (rc != GAN_OK) code = cli_report(rc, &err);
    }
    cli_args_free(&a);
    return code;
}
