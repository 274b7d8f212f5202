#!/usr/bin/env bash
# job_seekers_csv.sh ROWS [FIRST_NIS]: ROWS valid KNA job seekers as CSV on standard output (NIS
# numbers FIRST_NIS, FIRST_NIS + 1, ... (default 1000000), ages 17 to 64 at registration,
# parishes KN-01..KN-13 of the KNA profile), generated deterministically by awk. The benchmarks'
# common data (import_bench.sh, pandas_bench.py).
awk -v n="${1:?usage: job_seekers_csv.sh ROWS [FIRST_NIS]}" -v nis="${2:-1000000}" 'BEGIN {
  srand(42);
  print "registration_date,first_name,family_name,nis_number,sex,date_of_birth,parish,city,telephone";
  split("Keisha Dwayne Shanice Jamal Tricia Andre Kimberly Marlon Natasha Devon", first, " ");
  split("Liburd Browne Hodge Williams Phipps Richards Mills Warner Hanley Isaac", family, " ");
  for (i = 0; i < n; i++) {
    y = 2022 + int(rand() * 4); m = 1 + int(rand() * 12); d = 1 + int(rand() * 28);
    by = y - 17 - int(rand() * 48);
    printf "%04d-%02d-%02d,%s%d,%s%d,%d,%s,%04d-%02d-%02d,KN-%02d,Basseterre,869-%03d-%04d\n",
      y, m, d, first[1 + i % 10], i % 997, family[1 + int(i / 10) % 10], i % 1499, nis + i,
      (i % 2 ? "M" : "F"), by, 1 + int(rand() * 12), 1 + int(rand() * 28), 1 + int(rand() * 13),
      i % 1000, i % 10000;
  }
}'
