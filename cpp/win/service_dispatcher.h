// The Windows service control dispatcher: one per process, on a thread of its
// own, forwarding what the SCM sends into the Node event loop and reporting
// the status JavaScript decides. See DESIGN.md, "Native rules".
#pragma once

#include <windows.h>

#include <napi.h>

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
  uint64_t receivedAtNs = 0;          // monotonic; the clock process.hrtime.bigint() reads
  std::vector<std::u16string> args;   // kServiceMain: argv; argv[0] is the service name
  DWORD control = 0;                  // kControl: SERVICE_CONTROL_*
  DWORD eventType = 0;                // kControl: dwEventType
  ControlPayload payload;             // kControl: lpEventData, decoded
  DWORD error = NO_ERROR;             // kServiceMain, kDispatcherExit: what failed, if anything
  const char* syscall = "";
};

// Runs on the main thread: turns an event into a JS object and calls the listener.
void DeliverEventToJs(Napi::Env env, Napi::Function listener, std::nullptr_t* context,
                      DispatcherEvent* event);

struct StatusRequest {
  DWORD state = SERVICE_RUNNING;
  DWORD controlsAccepted = 0;
  DWORD waitHint = 0;
  DWORD win32ExitCode = NO_ERROR;
  DWORD serviceSpecificExitCode = 0;
};

class ServiceDispatcher {
 public:
  // Process-wide: the SCM serves one dispatcher per process.
  static ServiceDispatcher& Instance();

  // Main thread. Starts the dispatcher thread; events go to `listener`.
  void Start(Napi::Env env, Napi::Function listener, DWORD startWaitHint);

  // Main thread. The single writer of SERVICE_STATUS; returns what was reported.
  SERVICE_STATUS SetStatus(Napi::Env env, const StatusRequest& request);

  // Main thread. Changes the accepted controls without a new state or
  // checkpoint. While START_PENDING (nothing may be accepted) and once
  // STOPPED, it reports nothing. Returns the current status.
  SERVICE_STATUS SetControlsAccepted(Napi::Env env, DWORD controlsAccepted);

  // Main thread, diagnostics only: runs the real HandlerEx with a payload the
  // caller built, for controls no test peer can send (power, session, ...).
  DWORD InvokeHandlerForDiagnostics(DWORD control, DWORD eventType, void* eventData);

 private:
  ServiceDispatcher() = default;

  void RunDispatcherThread();
  static void WINAPI ServiceMain(DWORD argc, LPWSTR* argv);
  void OnServiceMain(DWORD argc, LPWSTR* argv);
  static DWORD WINAPI HandlerEx(DWORD control, DWORD eventType, LPVOID eventData, LPVOID context);
  bool IsAccepted(DWORD control);
  void ReportCurrentStatus();
  void OnOwnerEnvCleanup();
  void ExpectConnected(Napi::Env env) const;

  JsEventChannel<DispatcherEvent, DeliverEventToJs> channel_;

  // Guards SERVICE_STATUS: the main thread writes it, the dispatcher thread
  // re-reports it on INTERROGATE and reads the accepted controls.
  std::mutex statusMutex_;
  SERVICE_STATUS_HANDLE statusHandle_ = nullptr;
  SERVICE_STATUS status_ = {};
  DWORD startWaitHint_ = 0;

  std::thread thread_;
  std::mutex threadMutex_;
  std::condition_variable threadDone_;
  bool dispatcherReturned_ = false;
};

}  // namespace servicehost
