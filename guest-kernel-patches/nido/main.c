/* main.c: nido's entry from pvabi. */
#include "nido.h"

void pvabi_kernel_main(const struct pvabi_boot *boot)
{
	int ring = nido_console_init();

	nido_print_boot_info(boot);
	nido_xs_boot();
	nido_control_boot();
	/* With the console ring and no script= the shell is interactive. */
	if (ring && !nido_console_has_script(boot))
		nido_console_shell(boot);
	else
		nido_shell_script(boot);
	nido_control_leave(); /* a toolstack request wins over shutdown= */
	nido_power_off(boot);
}
