/* Compiles the public C header alone: it must need nothing but itself. */
#include <clmis/clmis.h>

int clmis_headertest_uses_the_header(void);
int clmis_headertest_uses_the_header(void) {
    clmis_init_options init = CLMIS_INIT_OPTIONS_INIT;
    clmis_open_options open = CLMIS_OPEN_OPTIONS_INIT;
    return (int)init.version + (int)open.version + CLMIS_VERSION_NUMBER + CLMIS_EMISUSE;
}
