/* Replays the fuzz corpus (seeds and every crash input ever found) through both fuzz entry
 * points: the files under CORPUS/execute_json and CORPUS/license. Runs in every build, sanitized or not. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int replay(const char *dir, int (*fn)(const uint8_t *, size_t), int *count)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "cannot open %s\n", dir);
        return 1;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        static uint8_t buf[1 << 20];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        uint8_t *copy = malloc(n ? n : 1); /* exact-size copy so ASan sees overreads */
        if (!copy) return 1;
        memcpy(copy, buf, n);
        fn(copy, n);
        free(copy);
        (*count)++;
    }
    closedir(d);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    char dir[4096];
    int count = 0, rc = 0;
    snprintf(dir, sizeof dir, "%s/execute_json", argv[1]);
    rc |= replay(dir, ck_fuzz_execute_json, &count);
    snprintf(dir, sizeof dir, "%s/license", argv[1]);
    rc |= replay(dir, ck_fuzz_license, &count);
    printf("%d passed, 0 failed\n", count);
    return rc;
}
