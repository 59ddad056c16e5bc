/* hv_version.h: the Xen ABI version hospes-hv reports, and its own. */
#ifndef HOSPES_HV_VERSION_H
#define HOSPES_HV_VERSION_H

/* We implement (a subset of) the Xen 4.17 guest ABI: CPUID base+1 and
 * XENVER_version report it; extraversion completes "4.17.0-hospes". */
#define HV_XEN_MAJOR 4
#define HV_XEN_MINOR 17
#define HV_XEN_VERSION ((HV_XEN_MAJOR << 16) | HV_XEN_MINOR)
#define HV_XEN_EXTRAVERSION ".0-hospes"

#define HV_VERSION_STRING "0.1"

#endif
