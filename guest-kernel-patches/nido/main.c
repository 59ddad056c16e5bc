/* main.c: nido's entry from pvabi. */
#include "nido.h"

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	nido_print_boot_info(boot);
	nido_shell_script(boot);
	nido_power_off(boot);
}
