#include "check.h"
static void placeholder(void) {}
int main(int argc, char **argv)
{
    static const check_case cases[] = {{"placeholder", placeholder}};
    return CHECK_RUN(argc, argv, cases);
}
