/* The tool's commands and the facts its documentation states: one table
 * each, read by gan --help, gan(1) (manual.c) and the shell completion
 * (completion.c), so that none of them can drift from the others. */
#include <stdio.h>

#include "cli.h"
#include "gan/jobs/classify.h"
#include "gan/jobs/train.h"

const cli_tool_command CLI_COMMANDS[] = {
    {"train", "train a DCGAN from a JSON config", "gan train --config configs/mnist.json", cmd_train,
     &CLI_TRAIN},
    {"sample", "write generated images from a checkpoint", "gan sample --ckpt runs/mnist/g.bin -n 64",
     cmd_sample, &CLI_SAMPLE},
    {"interp", "latent-space walks between random points", "gan interp --ckpt runs/mnist/g.bin", cmd_interp,
     &CLI_INTERP},
    {"classify", "train the classifier gan eval uses",
     "gan classify train --config configs/mnist-classifier.json", cmd_classify, &CLI_CLASSIFY_TRAIN},
    {"eval", "FID, Inception Score, class coverage", "gan eval --ckpt runs/mnist/g.bin --classifier C.bin",
     cmd_eval, &CLI_EVAL},
    {"export", "a generator as ONNX and as a web page", "gan export --ckpt runs/mnist/g.bin --web mnist-web",
     cmd_export, &CLI_EXPORT},
    {"style", "neural style transfer (VGG-19 features)", "gan style --content photo.png --style painting.png",
     cmd_style, &CLI_STYLE},
    {"texture", "texture synthesis from a style picture", "gan texture --style gravel.png", cmd_texture,
     &CLI_TEXTURE},
    {"info", "describe a checkpoint or training state", "gan info runs/mnist/g.bin", cmd_info, &CLI_INFO},
    {"bench", "time the training step", "gan bench --set train.batch_size=128", cmd_bench, &CLI_BENCH},
};
const int CLI_NCOMMANDS = sizeof CLI_COMMANDS / sizeof CLI_COMMANDS[0];

const cli_doc_item CLI_GLOBAL_OPTIONS[] = {
    {"--help", "list the commands (gan CMD --help lists a command's options)"},
    {"--version", "print the version, the git commit, the build's CPU target and OpenBLAS's configuration"},
    {"--manual", "print this manual page (roff): gan --manual | man -l -"},
    {"--completion", "print the bash completion script: source <(gan --completion)"},
};
const int CLI_NGLOBAL_OPTIONS = sizeof CLI_GLOBAL_OPTIONS / sizeof CLI_GLOBAL_OPTIONS[0];

const cli_doc_item CLI_EXIT_CODES[] = {
    {"0", "success"},
    {"1", "internal error (a bug)"},
    {"2", "usage error: unknown option, bad option value, a bad --set"},
    {"3",
     "bad input: a config, data file, checkpoint or .npy that is wrong (the message names the file and the "
     "problem); a run folder in use by another gan train; a job that does not fit in memory (the message "
     "gives the estimate and the limit)"},
    {"4", "I/O error: a file that cannot be opened, read or written (missing, permission, disk full)"},
    {"5", "training diverged: a non-finite loss (the last checkpoint is left intact)"},
    {"128+N", "interrupted by signal N after writing a checkpoint (130 for Ctrl-C, 143 for SIGTERM)"},
};
const int CLI_NEXIT_CODES = sizeof CLI_EXIT_CODES / sizeof CLI_EXIT_CODES[0];

const cli_doc_item CLI_ENVIRONMENT[] = {
    {"OPENBLAS_CORETYPE",
     "forces OpenBLAS's kernels (Haswell, SkylakeX, ...); unset, OpenBLAS picks the best for the CPU. On an "
     "AVX-512 CPU, Haswell means about half the SGEMM speed; gan notes it in its first progress line"},
    {"OPENBLAS_NUM_THREADS",
     "the thread count when train.threads is 0 (else every CPU the process may use). gan runs OpenBLAS "
     "single-threaded inside its own thread pool; under an address-space limit (ulimit -v) and with the "
     "variable unset, gan restarts itself once with OPENBLAS_NUM_THREADS=1 so that OpenBLAS's own threads "
     "cannot hang on their buffers"},
};
const int CLI_NENVIRONMENT = sizeof CLI_ENVIRONMENT / sizeof CLI_ENVIRONMENT[0];

const cli_doc_item CLI_RUN_FILES[] = {
    {GAN_RUN_CONFIG, "the resolved config, every key, with the run's run_id"},
    {GAN_RUN_METRICS,
     "one row per logged or evaluated step: step, epoch, loss_d, loss_g, d_x, d_g_z, img_per_s, "
     "elapsed_s, fid, inception_score, class_entropy, train_s, class_loss_d, class_loss_g, kid, kid_std, precision, "
     "recall, density, coverage"},
    {GAN_RUN_REAL, "a grid of training images as the networks see them"},
    {GAN_RUN_SAMPLES "/step_NNNNNN.png",
     "the fixed latent batch rendered every output.sample_every steps and at "
     "the end"},
    {GAN_RUN_G ", " GAN_RUN_D,
     "generator and discriminator (safetensors, loadable by PyTorch); with train.ema "
     "g.bin holds the averaged generator"},
    {GAN_RUN_G_BEST, "with eval.classifier: the generator of the lowest FID so far"},
    {GAN_RUN_STATE, "everything --resume needs: both networks, Adam moments, the RNG state, counters"},
    {"lock", "held (flock) by the gan train that owns the folder; holds its pid"},
    {GAN_RUN_CLASSIFIER, "written by gan classify train into its output.dir"},
};
const int CLI_NRUN_FILES = sizeof CLI_RUN_FILES / sizeof CLI_RUN_FILES[0];

void cli_print_usage(FILE *out)
{
    fprintf(out, "usage: gan <command> [options]\n\ncommands:\n");
    for (int i = 0; i < CLI_NCOMMANDS; i++)
        fprintf(out, "  %-9s%-42s%s\n", CLI_COMMANDS[i].name, CLI_COMMANDS[i].summary,
                CLI_COMMANDS[i].example);
    fprintf(out, "\n");
    for (int i = 0; i < CLI_NGLOBAL_OPTIONS; i++)
        fprintf(out, "gan %-13s%s\n", CLI_GLOBAL_OPTIONS[i].name, CLI_GLOBAL_OPTIONS[i].meaning);
    fprintf(out, "\nexit codes:");
    for (int i = 0; i < CLI_NEXIT_CODES; i++) {
        /* the first clause of each meaning: the manual has the rest */
        const char *m = CLI_EXIT_CODES[i].meaning;
        int len = 0;
        while (m[len] && m[len] != ':' && m[len] != ';' && m[len] != '(') len++;
        while (len > 0 && m[len - 1] == ' ') len--;
        fprintf(out, "%s%s %.*s",
                i == 0       ? " "
                : i % 4 == 0 ? ",\n            "
                             : ", ",
                CLI_EXIT_CODES[i].name, len, m);
    }
    fprintf(out, "\n");
}
