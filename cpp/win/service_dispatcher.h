// The Windows service control dispatcher: one per process, on a thread of its
// own, forwarding what the SCM sends into the Node event loop. It owns
// SERVICE_STATUS: the transitions a control implies (STOP_PENDING on stop,
// shutdown and preshutdown; PAUSE_PENDING; CONTINUE_PENDING) are reported the
// moment the control arrives, whatever the event loop is doing, and
// JavaScript reports progress and the settled states. What the Windows ring
// proves of it under Wine and on windows-latest: test/windows/README.md.
#pragma once

#include <windows.h>

#include <napi.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../common/js_event_channel.h"
#include "control_payload.h"

namespace servicehost {

// One thing the SCM side did, copied out of the SCM's buffers before the
// callback that saw it returns, on its way to the main thread.
struct DispatcherEvent {
  enum class Kind { kServiceMain, kControl, kDispatcherExit };
  Kind kind = Kind::kControl;
  uint64_t receivedAtNs = 0;          // monotonic, the clock process.hrtime.bigint() reads; JavaScript gets ms
  std::vector<std::u16string> args;   // kServiceMain: argv; argv[0] is the service name
  DWORD control = 0;                  // kControl: SERVICE_CONTROL_*
  DWORD eventType = 0;                // kControl: dwEventType
  ControlPayload payload;             // kControl: lpEventData, decoded
  uint32_t repeats = 1;               // kControl: identical controls folded into this one while the queue was past its bound
  DWORD error = NO_ERROR;             // kServiceMain, kDispatcherExit: what failed, if anything
  const char* syscall = "";

  // Any caller with the default service DACL may send these two (custom codes
  // and interrogate): past the channel's bound they merge, then drop. Every
  // other event is acted on, in order.
  bool Droppable() const;
  bool IsStop() const;
  // Only past the channel's bound: true when `waiting` is the same control and counted this one.
  bool TryMerge(DispatcherEvent& waiting) const;
  // Main thread: the event as a plain object, to the listener.
  static void ToJs(Napi::Env env, Napi::Function listener, const DispatcherEvent& event);
};

struct StatusRequest {
  DWORD state = SERVICE_RUNNING;
  bool hasControlsAccepted = false;   // false: keep the controls accepted now
  DWORD controlsAccepted = 0;
  DWORD waitHint = 0;
  DWORD win32ExitCode = NO_ERROR;
  DWORD serviceSpecificExitCode = 0;
};

// What the dispatcher does on its own, set from JavaScript; fields left unset keep their value.
struct DispatcherPolicy {
  DWORD stopWaitHint = 30000;       // the wait hint of the STOP_PENDING reported on stop
  DWORD pendingWaitHint = 30000;    // ... of PAUSE_PENDING and CONTINUE_PENDING
  bool deliverCustom = false;       // codes 128-255 reach JavaScript; otherwise refused
  bool deliverInterrogate = false;  // INTERROGATE is forwarded too (it is always answered natively)
};

class ServiceDispatcher {
 public:
  // Process-wide: the SCM serves one dispatcher per process.
  static ServiceDispatcher& Instance();

  // After STOPPED, how long the process is held for the dispatcher to return
  // and 'dispatcher-exit' to reach JavaScript (where a raw-contract caller sets
  // its exit code); past it the event loop may end without it. The one bound of
  // that wait, also for the environment's cleanup. On Windows the dispatcher
  // returns moments after STOPPED, under a loaded Wine seconds after; it never
  // returns only when the SCM has stopped answering, and then only this
  // process, which has nothing left to do, waits. So the bound is generous:
  // too short loses the caller's exit code on a slow machine.
  static constexpr DWORD kDispatcherExitBoundMs = 10000;

  // Main thread. Starts the dispatcher thread; events go to `listener`. The
  // process is held open from here until the dispatcher returns and its
  // 'dispatcher-exit' has been delivered (at once, when not started by the
  // SCM), at most kDispatcherExitBoundMs after STOPPED is reported.
  void Start(Napi::Env env, Napi::Function listener, DWORD startWaitHint, const DispatcherPolicy& policy);

  // Main thread. The JavaScript side of the single writer of SERVICE_STATUS;
  // returns what the SCM now has. A report that a stop has overtaken (the
  // dispatcher entered STOP_PENDING for a control still on its way to
  // JavaScript) changes nothing and returns the STOP_PENDING status.
  SERVICE_STATUS SetStatus(Napi::Env env, const StatusRequest& request);

  // Main thread. Changes the accepted controls without a new state or
  // checkpoint. While START_PENDING, STOP_PENDING or STOPPED (nothing may be
  // accepted) it only remembers them for the next state. Returns the current status.
  SERVICE_STATUS SetControlsAccepted(Napi::Env env, DWORD controlsAccepted);

  // Main thread, as a stop control is handed to JavaScript: from here on a
  // report that contradicts the stop is the caller's mistake, not a race.
  void OnStopDelivered();

  // Main thread.
  void SetPolicy(const DispatcherPolicy& policy);
  DispatcherPolicy Policy();
  ChannelStats Stats() { return channel_.Stats(); }

  // Main thread, diagnostics only: runs the real HandlerEx with a payload the
  // caller built, for controls no test peer can send (power, session, ...).
  DWORD InvokeHandlerForDiagnostics(DWORD control, DWORD eventType, void* eventData);

 private:
  ServiceDispatcher() = default;

  void RunDispatcherThread();
  static void WINAPI ServiceMain(DWORD argc, LPWSTR* argv);
  void OnServiceMain(DWORD argc, LPWSTR* argv);
  static DWORD WINAPI HandlerEx(DWORD control, DWORD eventType, LPVOID eventData, LPVOID context);
  DWORD OnControl(DWORD control, DWORD eventType, LPVOID eventData);
  void EnterPendingLocked(DWORD state, DWORD waitHint);
  bool IsAcceptedLocked(DWORD control) const;
  void WatchForDispatcherExit();
  void RunExitWatchThread();
  void OnOwnerEnvCleanup();
  void ExpectConnected(Napi::Env env) const;

  JsEventChannel<DispatcherEvent> channel_;

  // Guards everything below: the main thread and the dispatcher thread both
  // write SERVICE_STATUS (each report is one SetServiceStatus under the lock).
  std::mutex statusMutex_;
  SERVICE_STATUS_HANDLE statusHandle_ = nullptr;
  SERVICE_STATUS status_ = {};
  DWORD accepted_ = 0;  // the controls JavaScript wants accepted once a state allows any
  uint32_t undeliveredStops_ = 0;  // stop controls queued for JavaScript, not yet handed over
  DWORD startWaitHint_ = 0;
  DispatcherPolicy policy_;

  std::thread thread_;
  std::thread exitWatch_;  // from STOPPED: lets go of the loop at the bound
  // Guards what follows; threadDone_ is notified when the dispatcher returns
  // and when the owner is gone.
  std::mutex threadMutex_;
  std::condition_variable threadDone_;
  bool dispatcherReturned_ = false;
  bool stopped_ = false;    // STOPPED reported; exitDeadline_ is set
  bool ownerGone_ = false;  // the owning environment is torn down: the watch ends
  std::chrono::steady_clock::time_point exitDeadline_;
};

}  // namespace servicehost
