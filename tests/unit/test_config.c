/* Config parsing: defaults, overrides, and one message per kind of mistake. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "../common/check.h"
#include "gan/core/path.h"
#include "gan/core/rng.h"
#include "gan/io/config.h"

/* Parses json with one override; expects failure with a message containing
 * want (or success when want is NULL): GAN_ERR_INPUT for the file's
 * mistakes, GAN_ERR_USAGE for --set's. */
static void expect(const char *json, const char *set, const char *want)
{
    gan_config cfg;
    gan_error err = {{0}};
    const char *sets[1] = {set};
    gan_status rc = gan_config_parse(&cfg, json, "x.json", sets, set ? 1 : 0, &err);
    if (!want) {
        CHECK_MSG(rc == GAN_OK, "%s %s: unexpected error: %s", json, set ? set : "", err.msg);
        return;
    }
    const gan_status code = set ? GAN_ERR_USAGE : GAN_ERR_INPUT;
    CHECK_MSG(rc == code, "%s %s: returned %d, expected %d with an error containing '%s'", json,
              set ? set : "", rc, code, want);
    CHECK_MSG(strstr(err.msg, want) != NULL, "%s %s: message '%s' lacks '%s'", json, set ? set : "", err.msg,
              want);
}

/* The config with one override, written as gan writes it (config.json,
 * checkpoint metadata) and parsed back, must hold the same bits. */
static void check_round_trip(const char *set)
{
    gan_config cfg, back;
    gan_error err = {{0}};
    const char *sets[1] = {set};
    CHECK_MSG(gan_config_parse(&cfg, NULL, "x.json", sets, 1, &err) == GAN_OK, "%s: %s", set, err.msg);
    char *json = gan_config_to_json(&cfg);
    CHECK(json && gan_config_parse(&back, json, "resolved", NULL, 0, &err) == GAN_OK);
    CHECK_MSG(memcmp(&back, &cfg, sizeof cfg) == 0, "%s does not read back the same", set);
    CHECK(back.lr_g == cfg.lr_g && back.lr_d == cfg.lr_d && back.beta1 == cfg.beta1 && back.seed == cfg.seed);
    free(json);
}

int main(void)
{
    /* Defaults are valid and complete. */
    gan_config d;
    gan_config_defaults(&d);
    CHECK(d.batch_size == 64 && d.nz == 100 && d.image_size == 32 && d.lr_g == 0.0002 && d.beta1 == 0.5);
    CHECK(d.data_format == GAN_DATA_IDX && d.sample_count == 64);
    expect("{}", NULL, NULL);

    /* The example from the issue, and every kind of mistake. */
    expect("{\"train\": {\"batch_size\": \"64\"}}", NULL,
           "x.json: train.batch_size: expected an integer from 2 to 4096, got \"64\"");
    expect("{\"train\": {\"batch_size\": 0}}", NULL,
           "train.batch_size: expected an integer from 2 to 4096, got 0");
    expect("{\"train\": {\"batch_size\": 2147483648}}", NULL, "train.batch_size");
    expect("{\"train\": {\"batch_size\": 12.5}}", NULL, "train.batch_size");
    expect("{\"data\": {\"image_size\": 48}}", NULL, "data.image_size: expected 16, 32, 64 or 128, got 48");
    expect("{\"data\": {\"image_size\": 1e9}}", NULL, "data.image_size");
    expect("{\"data\": {\"channels\": 2}}", NULL, "data.channels");
    expect("{\"train\": {\"lr_g\": -0.001}}", NULL, "train.lr_g: expected a number from 0 to 10, got -0.001");
    expect("{\"train\": {\"batchsize\": 64}}", NULL,
           "train.batchsize: unknown key (did you mean train.batch_size?)");
    expect("{\"trian\": {}}", NULL, "trian: unknown section");
    expect("{\"train\": 5}", NULL, "train: expected an object");
    expect("[1, 2]", NULL, "expected a JSON object");
    expect("{\"train\": {\"epochs\": 3,}", NULL, "not valid JSON (error near line 1)");
    expect("{\n\"train\": {\n\"epochs\": 3\n}\n,,}", NULL, "near line 5");
    expect("{\"data\": {\"format\": \"tiff\"}}", NULL,
           "data.format: expected idx, folder or cifar10, got \"tiff\"");
    expect("{\"data\": {\"format\": \"idx|folder\"}}", NULL, "data.format");
    expect("{\"data\": {\"path\": \"\"}}", NULL, "data.path: expected a non-empty string");
    expect("{\"data\": {\"path\": 7}}", NULL, "data.path: expected a string, got 7");
    expect("{\"train\": {\"seed\": -1}}", NULL, "train.seed");
    expect("{\"output\": {\"log_every\": 0}}", NULL, "output.log_every");
    expect("{\"output\": {\"dir\": \"a\", \"dir\": \"b\"}}", NULL, "x.json: output.dir: appears twice");
    expect("{\"train\": {}, \"train\": {}}", NULL, "x.json: train: section appears twice");

    /* Overrides apply before validation and can fail the same way. */
    gan_config cfg;
    gan_error err;
    const char *sets[] = {"train.epochs=3", "data.path=/tmp/x.gz", "model.nz=16", "output.dir=\"a b\""};
    CHECK(gan_config_parse(&cfg, "{\"train\": {\"epochs\": 9}}", "x.json", sets, 4, &err) == GAN_OK);
    CHECK(cfg.epochs == 3 && cfg.nz == 16 && strcmp(cfg.data_path, "/tmp/x.gz") == 0 &&
          strcmp(cfg.out_dir, "a b") == 0);
    expect("{}", "train.batch_size=0", "--set train.batch_size: expected an integer from 2 to 4096, got 0");
    expect("{}", "train.bogus=1", "--set train.bogus: unknown key");
    expect("{}", "nodot=1", "--set nodot=1: expected section.key=value");
    expect("{}", "train.steps", "expected section.key=value");
    /* A value parses whole or is refused, naming --set (not the file). */
    expect("{}", "train.steps=0x10",
           "--set train.steps: expected an integer from 0 to 1000000000000, got \"0x10\"");
    expect("{}", "train.steps=1_000", "--set train.steps: expected an integer");
    expect("{}", "train.steps=12abc", "--set train.steps: expected an integer");
    expect("{}", "model.ngf=12}]junk",
           "--set model.ngf: expected an integer from 1 to 1024, got \"12}]junk\"");
    expect("{}", "train.lr_g=inf", "--set train.lr_g: expected a number");
    expect("{}", "train.lr_g=1e309",
           "--set train.lr_g: expected a number from 0 to 10, got \"1e309\" (out of the range of a double)");
    expect("{}", "train.seed=9007199254740993",
           "--set train.seed: expected an integer from 0 to 9007199254740991");
    expect("{}", "data.image_size=48", "--set data.image_size: expected 16, 32, 64 or 128, got 48");
    expect("{}", "data.format=tiff", "--set data.format: expected idx, folder or cifar10, got \"tiff\"");
    expect("{}", "train.steps=12", NULL);
    expect("{}", "train.lr_g=2e-4", NULL);
    /* String keys take the text as it is: a numeric folder name needs no quotes. */
    const char *numeric_dir[] = {"output.dir=2024"};
    CHECK(gan_config_parse(&cfg, "{}", "x.json", numeric_dir, 1, &err) == GAN_OK &&
          strcmp(cfg.out_dir, "2024") == 0);
    /* \u0000 would cut a key or value short in C: refused; an escaped backslash before u0000 is not a NUL. */
    expect("{\"train\": {\"steps\\u0000junk\": 5}}", NULL, "x.json: a string holds \\u0000");
    expect("{\"output\": {\"dir\": \"a\\u0000b\"}}", NULL, "a string holds \\u0000");
    expect("{\"output\": {\"dir\": \"a\\\\u0000b\"}}", NULL, NULL);

    /* The resolved config parses back to the same values. */
    char *json = gan_config_to_json(&cfg);
    gan_config back;
    CHECK(json && gan_config_parse(&back, json, "resolved", NULL, 0, &err) == GAN_OK);
    CHECK(memcmp(&back, &cfg, sizeof cfg) == 0);
    free(json);

    /* Numbers read back bit for bit (strtod equality, no epsilon): the
     * regressions of tests/fuzz/regressions/config/, and a sweep of doubles
     * that need 15, 16 and 17 significant digits. */
    const char *exact[] = {
        "train.beta1=0.888888888888888888888888888888888888888888888888888888888888888888888888888888888885",
        "train.lr_g=0.00010000055408454499",
        "train.seed=9007199254740991",
        "train.lr_d=5e-324",
        "train.adam_eps=1e-12",
        "train.beta2=0.999999"};
    for (int i = 0; i < 6; i++) check_round_trip(exact[i]);
    gan_rng rng;
    gan_rng_seed(&rng, 3);
    for (int i = 0; i < 2000; i++) {
        char set[64];
        snprintf(set, sizeof set, "train.lr_g=%.17g", 10.0 * gan_rng_uniform(&rng));
        check_round_trip(set);
    }

    /* data.background: a name or [r, g, b], from the file and from --set, read back as written. */
    CHECK(d.background[0] == 0 && d.background[1] == 0 && d.background[2] == 0);
    CHECK(gan_config_parse(&cfg, "{\"data\": {\"background\": \"white\"}}", "x.json", NULL, 0, &err) ==
              GAN_OK &&
          cfg.background[0] == 255 && cfg.background[1] == 255 && cfg.background[2] == 255);
    const char *teal[] = {"data.background=[0, 128, 128]"};
    CHECK(gan_config_parse(&cfg, NULL, "x.json", teal, 1, &err) == GAN_OK && cfg.background[0] == 0 &&
          cfg.background[1] == 128 && cfg.background[2] == 128);
    check_round_trip("data.background=[0, 128, 128]");
    check_round_trip("data.background=white");
    check_round_trip("data.background=[255, 255, 255]");
    expect(
        "{\"data\": {\"background\": \"purple\"}}", NULL,
        "data.background: unknown colour \"purple\": expected \"white\", \"black\" or [r, g, b] from 0 to 255");
    expect("{\"data\": {\"background\": \"whit\"}}", NULL, "(did you mean white?)");
    expect("{\"data\": {\"background\": [0, 300, 0]}}", NULL,
           "data.background: component 2 (green) is 300: expected an integer from 0 to 255");
    expect("{\"data\": {\"background\": [0, 0, -1]}}", NULL, "component 3 (blue) is -1");
    expect("{\"data\": {\"background\": [0, 0.5, 0]}}", NULL, "component 2 (green) is 0.5");
    expect("{\"data\": {\"background\": [0, \"0\", 0]}}", NULL, "component 2 (green) is \"0\"");
    expect("{\"data\": {\"background\": [0, 0]}}", NULL,
           "data.background: expected \"white\", \"black\" or [r, g, b]");
    expect("{\"data\": {\"background\": 255}}", NULL, "got 255");
    expect(NULL, "data.background=red", "--set data.background: unknown colour \"red\"");
    expect(NULL, "data.background=[1,2,3", "--set data.background: unknown colour \"[1,2,3\"");

    /* Files: missing, and every shipped config is valid. */
    CHECK(gan_config_load(&cfg, "/nonexistent/x.json", NULL, 0, &err) == GAN_ERR_IO &&
          strstr(err.msg, "/nonexistent/x.json"));
    DIR *dir = opendir(GAN_SOURCE_DIR "/configs");
    CHECK(dir != NULL);
    int shipped = 0;
    for (struct dirent *e; dir && (e = readdir(dir)) != NULL;) {
        const size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
        char path[GAN_PATH_MAX];
        snprintf(path, sizeof path, "%s/configs/%s", GAN_SOURCE_DIR, e->d_name);
        gan_status rc = gan_config_load(&cfg, path, NULL, 0, &err);
        CHECK_MSG(rc == GAN_OK, "%s: %s", path, err.msg);
        shipped++;
    }
    if (dir) closedir(dir);
    CHECK_MSG(shipped >= 15, "%d configs in configs/", shipped);
    return check_exit("test_config");
}
