/*
 * examples/c/job_seekers.c — the employment services registry through the C API.
 *
 * Opens a database made by examples/c/employers.c (or by `clmis init`), registers a vacancy
 * (Form 25) and two job seekers (Form 24) with their "other sections", shows the
 * possible-duplicate warning, moves the job seekers through their lifecycle (activate, close
 * as placed), counts the active job seekers at two month ends from the history, and adds a
 * code through Table Maintenance.
 *
 *   usage: job_seekers DATABASE      (an existing database with the standard pack, KNA profile)
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
    fprintf(stderr, "%s failed: %s (%s)\n%s\n", what, e ? e->message : "?",
            clmis_error_code_name(e ? e->code : CLMIS_ERROR), clmis_error_last_json());
    return 1;
}

int main(int argc, char **argv) {
    clmis_db *db = NULL;
    clmis_session *s = NULL;
    const char *password = getenv("CLMIS_PASSWORD");
    int64_t employer = 0, vacancy = 0, keisha = 0, kay = 0, v = 0, vv = 0;
    char *out = NULL;
    char query[512];

    if (argc != 2 || !password) {
        fprintf(stderr, "usage: %s DATABASE  (with CLMIS_PASSWORD set)\n", argv[0]);
        return 2;
    }
    if (clmis_open(&db, argv[1], NULL) != CLMIS_OK) return fail("clmis_open");
    if (clmis_login(&s, db, "admin", password) != CLMIS_OK) return fail("clmis_login");

    /* 1. A vacancy of an employer: ISCO-08 5120 (cooks), wages in XCD as exact decimals. */
    if (clmis_record_create(&employer, s, "employer",
                            "{\"name\": \"Sugar Bay Club\", \"isic_class\": \"5510\", \"parish\": \"KN-09\"}") != CLMIS_OK)
        return fail("create employer");
    snprintf(query, sizeof query,
             "{\"employer\": %lld, \"job_title\": \"Cook\", \"occupation\": \"5120\", \"positions\": 2,"
             " \"wage_min\": {\"amount\": \"1500.00\", \"currency\": \"XCD\"},"
             " \"wage_max\": {\"amount\": \"2200.00\", \"currency\": \"XCD\"}, \"wage_period\": \"month\","
             " \"date_registered\": \"2025-05-02\", \"closing_date\": \"2025-05-30\"}",
             (long long)employer);
    if (clmis_record_create(&vacancy, s, "vacancy", query) != CLMIS_OK) return fail("create vacancy");
    printf("1. vacancy %lld registered (open)\n", (long long)vacancy);

    /* 2. A job seeker with education, experience and the occupations she wants. The
     *    registration number is assigned by clmis. */
    if (clmis_record_create(&keisha, s, "job_seeker",
            "{\"registration_date\": \"2025-03-03\", \"first_name\": \"Keisha\", \"family_name\": \"Liburd\","
            " \"nis_number\": \"1846398\", \"sex\": \"F\", \"date_of_birth\": \"1999-07-14\","
            " \"parish\": \"KN-03\", \"city\": \"Basseterre\","
            " \"education\": [{\"isced_level\": \"3\", \"institution\": \"Basseterre High School\"}],"
            " \"experience\": [{\"occupation\": \"5120\", \"employer_name\": \"Marriott\","
            "                   \"from\": \"2017-01-09\", \"to\": \"2019-12-31\"}],"
            " \"desired_occupations\": [{\"occupation\": \"5120\"}]}") != CLMIS_OK)
        return fail("create job seeker");
    if (clmis_record_get(&out, s, "job_seeker", keisha) != CLMIS_OK) return fail("get job seeker");
    printf("2. job seeker %lld: %.*s...\n", (long long)keisha, 60, strstr(out, "\"registration_no\""));
    clmis_free(out);

    /* 3. Same names and birth date, another NIS number: stored, with a warning naming the other. */
    if (clmis_record_create(&kay, s, "job_seeker",
            "{\"registration_date\": \"2025-03-10\", \"first_name\": \"KEISHA\", \"family_name\": \"Liburd\","
            " \"nis_number\": \"2200456\", \"sex\": \"F\", \"date_of_birth\": \"1999-07-14\"}") != CLMIS_OK)
        return fail("create second job seeker");
    if (clmis_session_warnings_json(&out, s) != CLMIS_OK) return fail("warnings");
    printf("3. warnings: %s\n", out);
    clmis_free(out);

    /* 4. The lifecycle: a status changes only through a transition, each a dated history row. */
    if (clmis_record_transition(&v, s, "job_seeker", keisha, 1, "activate",
                                "{\"effective_date\": \"2025-03-03\"}") != CLMIS_OK)
        return fail("activate");
    if (clmis_record_transition(&v, s, "job_seeker", keisha, v, "close",
            "{\"effective_date\": \"2025-05-20\", \"fields\": {\"outcome\": \"placed\"}}") != CLMIS_OK)
        return fail("close");
    if (clmis_record_transition(&vv, s, "vacancy", vacancy, 1, "close",
            "{\"effective_date\": \"2025-05-20\", \"fields\": {\"outcome\": \"filled\"}}") != CLMIS_OK)
        return fail("close vacancy");
    /* Closing twice is refused: the state no longer allows it. */
    if (clmis_record_transition(&v, s, "job_seeker", keisha, v, "close",
                                "{\"fields\": {\"outcome\": \"placed\"}}") == CLMIS_ECONFLICT)
        printf("4. placed on 2025-05-20 (a second close: %s)\n", clmis_error_last()->message);
    if (clmis_record_history_json(&out, s, "job_seeker", keisha) != CLMIS_OK) return fail("history");
    printf("   history: %s\n", out);
    clmis_free(out);

    /* 5. Stocks from the history: job seekers by state at two month ends. */
    if (clmis_status_counts_json(&out, s, "job_seeker", "2025-03-31") != CLMIS_OK) return fail("counts");
    printf("5. %s\n", out);
    clmis_free(out);
    if (clmis_status_counts_json(&out, s, "job_seeker", "2025-05-31") != CLMIS_OK) return fail("counts");
    printf("   %s\n", out);
    clmis_free(out);

    /* 6. Table Maintenance: a contract type the country needs, in English and Dutch. */
    if (clmis_code_add(s, "contract_type",
            "{\"code\": \"zero_hours\", \"label\": {\"en\": \"Zero-hours contract\", \"nl\": \"Nulurencontract\"}}") != CLMIS_OK)
        return fail("code add");
    if (clmis_code_delete(s, "skill_kind", "licence") == CLMIS_OK)
        printf("6. added contract type zero_hours; deleted the unused skill kind \"licence\"\n");
    else
        return fail("code delete");

    clmis_session_close(&s);
    clmis_close(&db);
    printf("done.\n");
    return 0;
}
