// The job object that ends a service's child processes with it (issue 20).
// servicehost/register puts the service's own process in it, first thing.
#pragma once

#include <napi.h>

namespace servicehost {

// Main thread. Creates a job with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE (every
// process in it ends when its last handle closes) and JOB_OBJECT_LIMIT_BREAKAWAY_OK
// (a child created with CREATE_BREAKAWAY_FROM_JOB leaves it), and assigns this
// process to it. The only handle is kept and never closed: the kernel closes it
// when this process ends, however it ends (return, crash, TerminateProcess), and
// that ends every process still in the job. A process already in a job (a host,
// a CI runner, Task Scheduler) gets a nested job on Windows 8 and later; where
// nesting is refused the call throws (ERROR_ACCESS_DENIED) and nothing changes.
// Returns { nested: boolean, already: boolean }: nested when the process was in
// a job before; already when this copy of the addon made the job before.
Napi::Value JoinKillOnCloseJob(const Napi::CallbackInfo& info);

}  // namespace servicehost
