// Running a program elevated (UAC's "runas" verb) and the private folder its
// result comes back through. See lib/manage/elevate.ts for the whole exchange.
#pragma once

#include <napi.h>

namespace servicehost {

// runElevated({ program, parameters, directory }) → Promise<{ exitCode }>.
// Main thread: checks the arguments and returns the promise; a thread of its
// own runs ShellExecuteExW (which blocks while the consent prompt is up) and
// waits for the process, so the event loop never waits on either.
Napi::Value RunElevated(const Napi::CallbackInfo& info);

// createPrivateDirectory(path) → the folder's security descriptor as read
// back (SDDL). Main thread.
Napi::Value CreatePrivateDirectory(const Napi::CallbackInfo& info);

}  // namespace servicehost
