/* features.c: the XENFEAT bits read at boot. */
#include "internal.h"

static uint32_t submap0;

void pvabi_features_set(uint32_t submap)
{
	submap0 = submap;
}

int pvabi_has_feature(unsigned int bit)
{
	return bit < 32 && (submap0 >> bit) & 1;
}
