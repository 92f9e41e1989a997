/* gan --completion: the bash completion script, written from the commands'
 * option tables and the config keys, so it knows what --help knows:
 * commands, each command's options, config keys (and their allowed values)
 * after --set, and file or folder names where an option takes one. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/io/config.h"

/* Words of "a|b|c" separated by spaces. */
static void put_choices(const char *choices)
{
    for (const char *c = choices; *c; c++) putchar(*c == '|' ? ' ' : *c);
}

/* What completes an option's value: a folder, a file, a choice, or nothing
 * (a number). */
static void put_value_case(const cli_option *o)
{
    if (!o->arg) return;
    printf("        --%s", o->name);
    if (o->letter) printf("|-%c", o->letter);
    if (strcmp(o->arg, "KEY=VALUE") == 0) printf(") _gan_set \"$cur\"; return ;;\n");
    else if (strcmp(o->arg, "DIR") == 0 || strcmp(o->arg, "RUN_DIR") == 0)
        printf(") _gan_files -d \"$cur\"; return ;;\n");
    else if (strstr(o->arg, "FILE") || strcmp(o->arg, "PATH") == 0)
        printf(") _gan_files -f \"$cur\"; return ;;\n");
    else if (strchr(o->arg, '|')) {
        printf(") COMPREPLY=($(compgen -W \"");
        put_choices(o->arg);
        printf("\" -- \"$cur\")); return ;;\n");
    } else printf(") return ;;\n"); /* a number: nothing to offer */
}

static void put_command_case(const cli_tool_command *t)
{
    const cli_command *c = t->form;
    const char *sub = strchr(c->name, ' '); /* "classify train": a subcommand first */
    printf("    %s)\n", t->name);
    if (sub)
        printf("        if ((n == 3)); then COMPREPLY=($(compgen -W \"%s\" -- \"$cur\")); return; fi\n",
               sub + 1);
    printf("        opts=\"");
    for (int i = 0; i < c->noptions; i++) {
        if (c->options[i].letter) printf("-%c ", c->options[i].letter);
        printf("--%s ", c->options[i].name);
    }
    printf("-h --help\"\n");
    /* a command whose usage starts with an operand (gan info FILE) takes file names */
    if (c->usage[0] != '-' && c->usage[0] != '[') printf("        operands=files\n");
    printf("        case $prev in\n");
    for (int i = 0; i < c->noptions; i++) put_value_case(&c->options[i]);
    printf("        esac ;;\n");
}

/* The helper functions, and _gan up to the list of commands. */
static void put_helpers(void)
{
    printf("%s", "# file (-f) or folder (-d) names\n"
                 "_gan_files()\n"
                 "{\n"
                 "    local IFS=$'\\n'\n"
                 "    COMPREPLY=($(compgen \"$1\" -- \"$2\"))\n"
                 "    compopt -o filenames 2>/dev/null || :\n"
                 "}\n"
                 "\n"
                 "# --set KEY=VALUE: a key (with its '='), then the key's values\n"
                 "_gan_set()\n"
                 "{\n"
                 "    local cur=$1\n"
                 "    if [[ $cur != *=* ]]; then\n"
                 "        COMPREPLY=($(compgen -W \"$_gan_keys\" -S = -- \"$cur\"))\n"
                 "        compopt -o nospace 2>/dev/null || :\n"
                 "        return\n"
                 "    fi\n"
                 "    local key=${cur%%=*} value=${cur#*=} values\n"
                 "    values=$(_gan_key_values \"$key\")\n"
                 "    if [[ $values == \"<path>\" ]]; then\n"
                 "        _gan_files -f \"$value\"\n"
                 "    elif [[ $value == *,* ]]; then  # a list (train.augment): complete its last item\n"
                 "        COMPREPLY=($(compgen -W \"$values\" -P \"${value%,*},\" -- \"${value##*,}\"))\n"
                 "    else\n"
                 "        COMPREPLY=($(compgen -W \"$values\" -- \"$value\"))\n"
                 "    fi\n"
                 "    # bash splits words at '=' by default; when it does not, the word holds the key too\n"
                 "    if [[ $COMP_WORDBREAKS != *=* ]]; then COMPREPLY=(\"${COMPREPLY[@]/#/$key=}\"); fi\n"
                 "}\n"
                 "\n"
                 "_gan()\n"
                 "{\n"
                 "    # the words up to the cursor, split at blanks only (so KEY=VALUE stays one word)\n"
                 "    local line=${COMP_LINE:0:COMP_POINT}\n"
                 "    local -a w\n"
                 "    read -ra w <<<\"$line\"\n"
                 "    if [[ -z $line || $line == *[[:blank:]] ]]; then w+=(\"\"); fi\n"
                 "    local n=${#w[@]}\n"
                 "    local cur=${w[n-1]} prev=\"\" opts=\"\" operands=\"\"\n"
                 "    if ((n > 1)); then prev=${w[n-2]}; fi\n"
                 "    COMPREPLY=()\n"
                 "    if ((n == 2)); then\n"
                 "        COMPREPLY=($(compgen -W \"");
}

/* _gan_keys, the keys --set takes, and _gan_key_values, the values of each. */
static void put_keys(void)
{
    printf("_gan_keys=\"");
    for (int i = 0, first = 1; i < gan_config_key_count(); i++) {
        const gan_config_key k = gan_config_key_at(i);
        if (!strchr(k.path, '.')) continue; /* a top-level key (run_id): --set cannot change it */
        printf("%s%s", first ? "" : " ", k.path);
        first = 0;
    }
    printf("\"\n\n");
    /* the values a key takes: its choices, true/false, or (a string) a path */
    printf("_gan_key_values()\n{\n    case $1 in\n");
    for (int i = 0; i < gan_config_key_count(); i++) {
        const gan_config_key k = gan_config_key_at(i);
        if (!strchr(k.path, '.')) continue;
        if (k.choices) {
            printf("    %s) echo \"", k.path);
            put_choices(k.choices);
            printf("\" ;;\n");
        } else if (strcmp(k.type, "boolean") == 0) {
            printf("    %s) echo \"true false\" ;;\n", k.path);
        } else if (strcmp(k.type, "colour") == 0) {
            printf("    %s) echo \"white black\" ;;\n", k.path);
        } else if (strcmp(k.type, "string") == 0) {
            printf("    %s) echo \"<path>\" ;;\n", k.path);
        }
    }
    printf("    esac\n}\n\n");
}

void cli_print_bash_completion(void)
{
    printf("# bash completion for gan(1), generated by 'gan --completion' from gan's own option tables.\n"
           "# Installed as share/bash-completion/completions/gan; or: source <(gan --completion)\n\n");
    put_keys();
    put_helpers();
    for (int i = 0; i < CLI_NCOMMANDS; i++) printf("%s ", CLI_COMMANDS[i].name);
    for (int i = 0; i < CLI_NGLOBAL_OPTIONS; i++)
        printf("%s%s", CLI_GLOBAL_OPTIONS[i].name, i + 1 < CLI_NGLOBAL_OPTIONS ? " " : "");
    printf("\" -- \"$cur\"))\n"
           "        return\n"
           "    fi\n"
           "    case ${w[1]} in\n");
    for (int i = 0; i < CLI_NCOMMANDS; i++) put_command_case(&CLI_COMMANDS[i]);
    printf("    *) return ;;\n"
           "    esac\n"
           "    if [[ $operands == files && $cur != -* ]]; then\n"
           "        _gan_files -f \"$cur\"\n"
           "    else\n"
           "        COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
           "    fi\n"
           "}\n"
           "complete -F _gan gan\n");
}
