// SCM constants under their Windows SDK names, for the headers that lack them:
// mingw-w64's winsvc.h has no USERMODEREBOOT pair, and older SDKs guard the
// Windows 7 controls behind NTDDI_VERSION. Where the SDK defines a name, its
// definition wins; the values are the documented ones (and lib/windows/codes.ts's).
#pragma once

#include <windows.h>

#ifndef SERVICE_CONTROL_TIMECHANGE
#define SERVICE_CONTROL_TIMECHANGE 0x00000010
#endif
#ifndef SERVICE_CONTROL_TRIGGEREVENT
#define SERVICE_CONTROL_TRIGGEREVENT 0x00000020
#endif
#ifndef SERVICE_CONTROL_USERMODEREBOOT
#define SERVICE_CONTROL_USERMODEREBOOT 0x00000040
#endif
#ifndef SERVICE_ACCEPT_TIMECHANGE
#define SERVICE_ACCEPT_TIMECHANGE 0x00000200
#endif
#ifndef SERVICE_ACCEPT_TRIGGEREVENT
#define SERVICE_ACCEPT_TRIGGEREVENT 0x00000400
#endif
#ifndef SERVICE_ACCEPT_USERMODEREBOOT
#define SERVICE_ACCEPT_USERMODEREBOOT 0x00000800
#endif

namespace servicehost {

// User-defined controls: the SDK documents the range but names no constant
// (codes.ts: CUSTOM_CONTROL_MIN/MAX). The highest is also the highest control
// ControlService accepts.
constexpr DWORD kCustomControlMin = 128;
constexpr DWORD kCustomControlMax = 255;

}  // namespace servicehost
