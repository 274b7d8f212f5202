/*
 * examples/c/employers.c — the C API from start to finish.
 *
 * Creates a National Labour Administration Database for Saint Kitts and Nevis, logs in as its
 * administrator, registers an employer with two workplaces, updates one, queries them back,
 * and shows what a validation error list and a stale update look like.
 *
 *   usage: employers DATABASE        (the file must not exist yet)
 *   the administrator's password comes from the environment variable CLMIS_PASSWORD.
 *
 * Built and run by the test suite (tests/CMakeLists.txt) and by `make demo`.
 */
#include <clmis/clmis.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what) {
    const clmis_error *e = clmis_error_last();
    fprintf(stderr, "%s failed: %s (%s)\n", what, e ? e->message : "?",
            clmis_error_code_name(e ? e->code : CLMIS_ERROR));
    return 1;
}

int main(int argc, char **argv) {
    clmis_db *db = NULL;
    clmis_session *s = NULL;
    clmis_init_options init = CLMIS_INIT_OPTIONS_INIT;
    const char *password = getenv("CLMIS_PASSWORD");
    int64_t employer = 0, shop = 0, store = 0, version = 0;
    char *out = NULL;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s DATABASE  (with CLMIS_PASSWORD set)\n", argv[0]);
        return 2;
    }
    if (!password) {
        fprintf(stderr, "set CLMIS_PASSWORD to the administrator's password to create\n");
        return 2;
    }
    if (clmis_libversion_number() != CLMIS_VERSION_NUMBER) {
        fprintf(stderr, "built for clmis %s but running with %s\n", CLMIS_VERSION, clmis_version());
        return 1;
    }

    /* 1. A new database with the standard pack and the KNA country profile. */
    init.country = "KNA";
    init.admin_password = password;
    if (clmis_init(&db, argv[1], &init) != CLMIS_OK) return fail("clmis_init");
    printf("1. created %s (clmis %s)\n", argv[1], clmis_version());

    /* 2. Every action has an actor: log in. */
    if (clmis_login(&s, db, "admin", password) != CLMIS_OK) return fail("clmis_login");
    printf("2. logged in as admin\n");

    /* 3. An employer with a contact person. Codes: ISIC Rev.4 class 5510 (short-term
     *    accommodation), parish KN-03 (Saint George Basseterre). */
    if (clmis_record_create(&employer, s, "employer",
            "{\"name\": \"Frigate Bay Resorts Ltd\", \"trade_name\": \"Frigate Bay Resort\","
            " \"registration_no\": \"C-2011-0457\", \"nis_employer_no\": \"40321\","
            " \"isic_class\": \"5510\", \"ownership\": \"private\", \"parish\": \"KN-03\","
            " \"email\": \"hr@frigatebay.example\","
            " \"contacts\": [{\"name\": \"Maria Liburd\", \"position\": \"HR manager\"}]}")
        != CLMIS_OK)
        return fail("create employer");
    printf("3. registered employer %lld\n", (long long)employer);

    /* 4. Two workplaces of that employer. */
    {
        char json[512];
        snprintf(json, sizeof json,
                 "{\"employer\": %lld, \"name\": \"Resort, Frigate Bay\", \"parish\": \"KN-03\","
                 " \"isic_class\": \"5510\", \"workers_male\": 41, \"workers_female\": 57}",
                 (long long)employer);
        if (clmis_record_create(&shop, s, "establishment", json) != CLMIS_OK)
            return fail("create establishment 1");
        snprintf(json, sizeof json,
                 "{\"employer\": %lld, \"name\": \"Laundry, Basseterre\", \"parish\": \"KN-03\","
                 " \"isic_class\": \"9601\", \"workers_male\": 3, \"workers_female\": 9}",
                 (long long)employer);
        if (clmis_record_create(&store, s, "establishment", json) != CLMIS_OK)
            return fail("create establishment 2");
    }
    printf("4. registered workplaces %lld and %lld\n", (long long)shop, (long long)store);

    /* 5. Update the laundry: it has hired two more women. Updates name the version they read. */
    if (clmis_record_update(&version, s, "establishment", store, 1, "{\"workers_female\": 11}")
        != CLMIS_OK)
        return fail("update establishment");
    printf("5. updated workplace %lld to version %lld\n", (long long)store, (long long)version);

    /* 6. Query the employer's workplaces back, largest female workforce first. */
    {
        char query[256];
        snprintf(query, sizeof query,
                 "{\"filter\": [{\"field\": \"employer\", \"op\": \"eq\", \"value\": %lld}],"
                 " \"sort\": [{\"field\": \"workers_female\", \"desc\": true}]}",
                 (long long)employer);
        if (clmis_record_query(&out, s, "establishment", query) != CLMIS_OK)
            return fail("query");
        printf("6. workplaces of employer %lld: %s\n", (long long)employer, out);
        clmis_free(out);
        out = NULL;
    }

    /* 7. A form with three mistakes: every error is reported at once, nothing is written. */
    rc = clmis_record_create(&employer, s, "employer",
                             "{\"name\": \"\", \"parish\": \"KN-99\", \"workers_male\": -4}");
    printf("7. invalid employer refused with %s; the errors:\n   %s\n", clmis_error_code_name(rc),
           clmis_error_last_json());

    /* 8. Someone else's update in between: the stale version is a conflict, not lost data. */
    rc = clmis_record_update(NULL, s, "establishment", store, 1, "{\"workers_male\": 4}");
    printf("8. update naming old version 1 refused with %s: %s\n", clmis_error_code_name(rc),
           clmis_error_last()->message);

    /* 9. What an integrator mirroring clmis would read. */
    if (clmis_changes_since(&out, s, 0, 0) != CLMIS_OK) return fail("changes_since");
    printf("9. change feed: %s\n", out);
    clmis_free(out);

    clmis_session_close(&s);
    clmis_close(&db);
    printf("done.\n");
    return 0;
}
