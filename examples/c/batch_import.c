/*
 * examples/c/batch_import.c — several writes atomic, and files in and out, through the C API.
 *
 * Opens a database made by examples/c/employers.c (or by `clmis init`), registers two employers
 * in one batch (both or neither), shows a batch rolled back after a refused write, imports
 * employers from a CSV file written beside the database (semicolon-separated, with
 * external_ids: a second run of the same file changes nothing), shows a refused import and
 * its report, and exports the employers of one parish to CSV.
 *
 *   usage: batch_import DATABASE      (an existing database with the standard pack, KNA profile)
 *   the administrator's password comes from the environment variable CLMIS_PASSWORD.
 *
 * Built and run by the test suite (tests/CMakeLists.txt).
 */
#include <clmis/clmis.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what) {
    const clmis_error *e = clmis_error_last();
    fprintf(stderr, "%s failed: %s (%s)\n%s\n", what, e ? e->message : "?",
            clmis_error_code_name(e ? e->code : CLMIS_ERROR), clmis_error_last_json());
    return 1;
}

/* The last error's message, or "" after a success. */
static const char *message(void) {
    const clmis_error *e = clmis_error_last();
    return e ? e->message : "";
}

static int write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

int main(int argc, char **argv) {
    clmis_db *db = NULL;
    clmis_session *s = NULL;
    const char *password = getenv("CLMIS_PASSWORD");
    int64_t a = 0, b = 0, c = 0;
    char *report = NULL;
    char csv[1024], bad[1024], out[1024];
    int rc;

    if (argc != 2 || !password) {
        fprintf(stderr, "usage: %s DATABASE  (with CLMIS_PASSWORD set)\n", argv[0]);
        return 2;
    }
    snprintf(csv, sizeof csv, "%s.employers.csv", argv[1]);
    snprintf(bad, sizeof bad, "%s.bad.csv", argv[1]);
    snprintf(out, sizeof out, "%s.parish-kn01.csv", argv[1]);
    if (clmis_open(&db, argv[1], NULL) != CLMIS_OK) return fail("clmis_open");
    if (clmis_login(&s, db, "admin", password) != CLMIS_OK) return fail("clmis_login");

    /* 1. Two employers in one batch: committed together. */
    if (clmis_batch_begin(s) != CLMIS_OK) return fail("batch begin");
    if (clmis_record_create(&a, s, "employer",
                            "{\"name\": \"Frigate Bay Hotel\", \"isic_class\": \"5510\", \"parish\": \"KN-01\"}") != CLMIS_OK ||
        clmis_record_create(&b, s, "employer",
                            "{\"name\": \"Nevis Bakery\", \"isic_class\": \"1071\", \"parish\": \"KN-10\"}") != CLMIS_OK) {
        fail("create in batch");
        clmis_batch_rollback(s);
        return 1;
    }
    if (clmis_batch_commit(s) != CLMIS_OK) return fail("batch commit");
    printf("1. one batch registered employers %lld and %lld\n", (long long)a, (long long)b);

    /* 2. A refused write inside a batch leaves the batch open; this caller rolls it all back. */
    if (clmis_batch_begin(s) != CLMIS_OK) return fail("batch begin");
    if (clmis_record_create(&c, s, "employer",
                            "{\"name\": \"Kept only with the batch\", \"isic_class\": \"5510\", \"parish\": \"KN-03\"}") != CLMIS_OK)
        return fail("create in batch");
    rc = clmis_record_create(&c, s, "employer", "{\"name\": \"No parish\", \"isic_class\": \"5510\", \"parish\": \"XX-99\"}");
    printf("2. refused inside the batch: %s %s", clmis_error_code_name(rc), clmis_error_last_json());
    printf("; rolled back: %s\n", clmis_error_code_name(clmis_batch_rollback(s)));

    /* 3. An import: one transaction, one audit entry; rows with an external_id are upserted. */
    if (!write_text(csv, "name;isic_class;parish;external_id\n"
                         "Basseterre Motors;4520;KN-03;NIS-1001\n"
                         "Charlestown Clinic;8620;KN-10;NIS-1002\n"
                         "Old Road Farms;0113;KN-01;NIS-1003\n")) {
        fprintf(stderr, "cannot write %s\n", csv);
        return 1;
    }
    if (clmis_import(s, "employer", csv, "{\"delimiter\": \";\"}", &report) != CLMIS_OK) return fail("import");
    printf("3. import: %s\n", report);
    clmis_free(report);
    if (clmis_import(s, "employer", csv, "{\"delimiter\": \";\"}", &report) != CLMIS_OK) return fail("import again");
    printf("   the same file again: %s\n", strstr(report, "\"unchanged\":3") ? "3 unchanged" : report);
    clmis_free(report);

    /* 4. A refused import: nothing is written; the report and the error list name the row. */
    if (!write_text(bad, "name,isic_class,parish\nGood Row Ltd,5510,KN-03\nBad Row Ltd,5510,XX-99\n")) return 1;
    rc = clmis_import(s, "employer", bad, "{\"on_error\": \"abort\"}", &report);
    printf("4. refused import: %s: %s\n", clmis_error_code_name(rc), message());
    printf("   %s\n", clmis_error_last_json());
    clmis_free(report);
    rc = clmis_import(s, "employer", bad, "{\"on_eror\": \"skip\"}", NULL);
    printf("   a misspelt option: %s: %s\n", clmis_error_code_name(rc), message());

    /* 5. An export of one parish's employers, two columns. */
    if (clmis_export(s, "employer", out,
                     "{\"fields\": [\"id\", \"name\"], \"filter\": [{\"field\": \"parish\", \"op\": \"eq\", \"value\": "
                     "\"KN-01\"}], \"replace\": true}") != CLMIS_OK)
        return fail("export");
    printf("5. exported the employers of KN-01 to %s\n", out);

    remove(csv);
    remove(bad);
    remove(out);
    clmis_session_close(&s);
    clmis_close(&db);
    printf("done.\n");
    return 0;
}
