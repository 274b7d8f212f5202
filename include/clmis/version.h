/*
 * clmis/version.h — the version of clmis, the one place it is written (the build reads it from
 * here). Included by clmis.h; C and C++ code that needs only the version may include it alone.
 */
#ifndef CLMIS_VERSION_H
#define CLMIS_VERSION_H

#define CLMIS_VERSION_MAJOR 0
#define CLMIS_VERSION_MINOR 1
#define CLMIS_VERSION_PATCH 0
/** The version as a string, "MAJOR.MINOR.PATCH". */
#define CLMIS_VERSION "0.1.0"
/** MAJOR*1000000 + MINOR*1000 + PATCH: compare with clmis_libversion_number(). */
#define CLMIS_VERSION_NUMBER 1000
/** The shared library's SONAME suffix; changes only when the ABI breaks. */
#define CLMIS_SOVERSION 0

#endif /* CLMIS_VERSION_H */
