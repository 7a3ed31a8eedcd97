#include "service_dispatcher.h"

#include <chrono>
#include <string>
#include <system_error>

#include "../common/js_error.h"
#include "../common/monotonic_clock.h"
#include "scm_sdk_names.h"
#include "scm_state_name.h"
#include "win32_error.h"

namespace servicehost {

namespace {

bool IsPendingState(DWORD state) {
  return state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING ||
         state == SERVICE_CONTINUE_PENDING || state == SERVICE_PAUSE_PENDING;
}

// Which states may follow which (the SCM's own state machine). Re-reporting
// the current state is always allowed: for a pending state it is progress.
bool IsAllowedTransition(DWORD from, DWORD to) {
  if (from == to) return true;
  switch (from) {
    case SERVICE_START_PENDING:
      return to == SERVICE_RUNNING || to == SERVICE_STOP_PENDING || to == SERVICE_STOPPED;
    case SERVICE_RUNNING:
      return to == SERVICE_PAUSE_PENDING || to == SERVICE_PAUSED || to == SERVICE_STOP_PENDING || to == SERVICE_STOPPED;
    case SERVICE_PAUSE_PENDING:  // RUNNING: the pause failed
      return to == SERVICE_PAUSED || to == SERVICE_RUNNING || to == SERVICE_STOP_PENDING || to == SERVICE_STOPPED;
    case SERVICE_PAUSED:
      return to == SERVICE_CONTINUE_PENDING || to == SERVICE_RUNNING || to == SERVICE_STOP_PENDING || to == SERVICE_STOPPED;
    case SERVICE_CONTINUE_PENDING:  // PAUSED: the continue failed
      return to == SERVICE_RUNNING || to == SERVICE_PAUSED || to == SERVICE_STOP_PENDING || to == SERVICE_STOPPED;
    case SERVICE_STOP_PENDING:
      return to == SERVICE_STOPPED;
    default:
      return false;
  }
}

bool IsStopControl(DWORD control) {
  return control == SERVICE_CONTROL_STOP || control == SERVICE_CONTROL_SHUTDOWN || control == SERVICE_CONTROL_PRESHUTDOWN;
}

bool IsCustomControl(DWORD control) { return control >= kCustomControlMin && control <= kCustomControlMax; }

// The SERVICE_ACCEPT_* flag that lets the SCM send `control`; 0 when none is needed.
DWORD AcceptFlagFor(DWORD control) {
  switch (control) {
    case SERVICE_CONTROL_STOP: return SERVICE_ACCEPT_STOP;
    case SERVICE_CONTROL_PAUSE:
    case SERVICE_CONTROL_CONTINUE: return SERVICE_ACCEPT_PAUSE_CONTINUE;
    case SERVICE_CONTROL_SHUTDOWN: return SERVICE_ACCEPT_SHUTDOWN;
    case SERVICE_CONTROL_PARAMCHANGE: return SERVICE_ACCEPT_PARAMCHANGE;
    case SERVICE_CONTROL_NETBINDADD:
    case SERVICE_CONTROL_NETBINDREMOVE:
    case SERVICE_CONTROL_NETBINDENABLE:
    case SERVICE_CONTROL_NETBINDDISABLE: return SERVICE_ACCEPT_NETBINDCHANGE;
    case SERVICE_CONTROL_HARDWAREPROFILECHANGE: return SERVICE_ACCEPT_HARDWAREPROFILECHANGE;
    case SERVICE_CONTROL_POWEREVENT: return SERVICE_ACCEPT_POWEREVENT;
    case SERVICE_CONTROL_SESSIONCHANGE: return SERVICE_ACCEPT_SESSIONCHANGE;
    case SERVICE_CONTROL_PRESHUTDOWN: return SERVICE_ACCEPT_PRESHUTDOWN;
    case SERVICE_CONTROL_TIMECHANGE: return SERVICE_ACCEPT_TIMECHANGE;
    case SERVICE_CONTROL_TRIGGEREVENT: return SERVICE_ACCEPT_TRIGGEREVENT;
    case SERVICE_CONTROL_USERMODEREBOOT: return SERVICE_ACCEPT_USERMODEREBOOT;
    default: return 0;
  }
}

// Process-wide across every copy of this DLL. Worker threads share this DLL's
// statics, but a second copy of the module (loaded from another path) does not,
// so the claim is a kernel object named after the process. The handle is kept
// open for the life of the process on purpose.
bool ClaimDispatcherForThisProcess() {
  std::wstring name =
      L"Local\\servicehost-dispatcher-" + std::to_wstring(GetCurrentProcessId());
  HANDLE claim = CreateMutexW(nullptr, FALSE, name.c_str());
  if (claim == nullptr) return false;
  if (GetLastError() == ERROR_ALREADY_EXISTS) {
    CloseHandle(claim);
    return false;
  }
  return true;
}

}  // namespace

bool DispatcherEvent::IsStop() const { return kind == Kind::kControl && IsStopControl(control); }

bool DispatcherEvent::Droppable() const {
  return kind == Kind::kControl && (IsCustomControl(control) || control == SERVICE_CONTROL_INTERROGATE);
}

bool DispatcherEvent::TryMerge(DispatcherEvent& waiting) const {
  if (!Droppable() || waiting.kind != Kind::kControl || waiting.control != control || waiting.eventType != eventType) return false;
  if (waiting.repeats == UINT32_MAX) return false;
  ++waiting.repeats;
  return true;
}

ServiceDispatcher& ServiceDispatcher::Instance() {
  // Never destroyed: the dispatcher thread may still be inside the SCM when
  // static destructors run at process exit.
  static ServiceDispatcher* instance = new ServiceDispatcher();
  return *instance;
}

void ServiceDispatcher::Start(Napi::Env env, Napi::Function listener, DWORD startWaitHint,
                              const DispatcherPolicy& policy) {
  if (!ClaimDispatcherForThisProcess()) {
    throw MakeError(env, "ERR_SERVICEHOST_DISPATCHER_STARTED",
                    "The service control dispatcher is already running in this process (another "
                    "thread started it). Windows allows one per process: use the events of the one "
                    "that owns it.");
  }
  {
    std::lock_guard<std::mutex> lock(statusMutex_);
    startWaitHint_ = startWaitHint;
    policy_ = policy;
  }
  // Held: the SCM expects the process until it has reported STOPPED.
  channel_.Open(env, listener, "servicehost:dispatcher", true);
  env.AddCleanupHook([this] { OnOwnerEnvCleanup(); });
  thread_ = std::thread([this] { RunDispatcherThread(); });
}

// Runs on the dispatcher thread. StartServiceCtrlDispatcherW blocks here for
// the life of the service, running HandlerEx on this same thread, and returns
// once the service has reported STOPPED (or at once, when not started by the SCM).
void ServiceDispatcher::RunDispatcherThread() {
  // For a SERVICE_WIN32_OWN_PROCESS service the name in the table is ignored.
  wchar_t anyName[] = L"";
  SERVICE_TABLE_ENTRYW table[] = {{anyName, &ServiceDispatcher::ServiceMain}, {nullptr, nullptr}};
  auto exit = std::make_unique<DispatcherEvent>();
  exit->kind = DispatcherEvent::Kind::kDispatcherExit;
  if (!StartServiceCtrlDispatcherW(table)) {
    exit->error = GetLastError();
    exit->syscall = "StartServiceCtrlDispatcherW";
  }
  exit->receivedAtNs = MonotonicNs();
  channel_.Deliver(std::move(exit));
  // Released: what waits is still delivered, then the process is no longer held.
  channel_.Close(false);
  {
    std::lock_guard<std::mutex> lock(threadMutex_);
    dispatcherReturned_ = true;
  }
  threadDone_.notify_all();
}

// Runs on a thread the SCM's dispatcher creates for ServiceMain.
void WINAPI ServiceDispatcher::ServiceMain(DWORD argc, LPWSTR* argv) {
  Instance().OnServiceMain(argc, argv);
}

// Runs on the ServiceMain thread, which may end as soon as this returns: the
// service lives on in the main thread and the dispatcher thread.
void ServiceDispatcher::OnServiceMain(DWORD argc, LPWSTR* argv) {
  auto started = std::make_unique<DispatcherEvent>();
  started->kind = DispatcherEvent::Kind::kServiceMain;
  started->receivedAtNs = MonotonicNs();
  for (DWORD i = 0; i < argc; ++i) {
    started->args.emplace_back(reinterpret_cast<const char16_t*>(argv[i]));
  }
  const wchar_t* serviceName = argc > 0 ? argv[0] : L"";
  SERVICE_STATUS_HANDLE handle =
      RegisterServiceCtrlHandlerExW(serviceName, &ServiceDispatcher::HandlerEx, this);
  if (handle == nullptr) {
    started->error = GetLastError();
    started->syscall = "RegisterServiceCtrlHandlerExW";
  } else {
    std::lock_guard<std::mutex> lock(statusMutex_);
    statusHandle_ = handle;
    // The SCM waits for START_PENDING at once; JavaScript is not running yet.
    // No control is accepted while START_PENDING.
    status_ = {SERVICE_WIN32_OWN_PROCESS, SERVICE_START_PENDING, 0, NO_ERROR, 0, 1, startWaitHint_};
    if (!::SetServiceStatus(statusHandle_, &status_)) {
      started->error = GetLastError();
      started->syscall = "SetServiceStatus";
    }
  }
  channel_.Deliver(std::move(started));
}

// Runs on the dispatcher thread. Must return at once: the SCM waits for it.
DWORD WINAPI ServiceDispatcher::HandlerEx(DWORD control, DWORD eventType, LPVOID eventData,
                                          LPVOID context) {
  return static_cast<ServiceDispatcher*>(context)->OnControl(control, eventType, eventData);
}

// Runs on the dispatcher thread (or the main thread, for diagnostics). The
// state a control implies is reported here, before JavaScript hears of it, so
// the SCM sees STOP_PENDING (or PAUSE_PENDING, CONTINUE_PENDING) at once even
// while the event loop is busy.
DWORD ServiceDispatcher::OnControl(DWORD control, DWORD eventType, LPVOID eventData) {
  uint64_t receivedAtNs = MonotonicNs();
  {
    std::lock_guard<std::mutex> lock(statusMutex_);
    if (control == SERVICE_CONTROL_INTERROGATE) {
      // Answered from the last status, without waiting for JavaScript.
      if (statusHandle_ != nullptr) ::SetServiceStatus(statusHandle_, &status_);
      if (!policy_.deliverInterrogate) return NO_ERROR;
    } else if (IsCustomControl(control)) {
      if (!policy_.deliverCustom) return ERROR_CALL_NOT_IMPLEMENTED;
    } else if (!IsAcceptedLocked(control)) {
      return ERROR_CALL_NOT_IMPLEMENTED;
    } else if (IsStopControl(control)) {
      if (status_.dwCurrentState != SERVICE_STOP_PENDING && status_.dwCurrentState != SERVICE_STOPPED) {
        EnterPendingLocked(SERVICE_STOP_PENDING, policy_.stopWaitHint);
      }
      ++undeliveredStops_;
    } else if (control == SERVICE_CONTROL_PAUSE && status_.dwCurrentState == SERVICE_RUNNING) {
      EnterPendingLocked(SERVICE_PAUSE_PENDING, policy_.pendingWaitHint);
    } else if (control == SERVICE_CONTROL_CONTINUE && status_.dwCurrentState == SERVICE_PAUSED) {
      EnterPendingLocked(SERVICE_CONTINUE_PENDING, policy_.pendingWaitHint);
    }
    // A pause that arrives while a continue is still pending (or the other way
    // round) changes nothing here: JavaScript acts on both, in order.
  }
  auto event = std::make_unique<DispatcherEvent>();
  event->kind = DispatcherEvent::Kind::kControl;
  event->receivedAtNs = receivedAtNs;
  event->control = control;
  event->eventType = eventType;
  event->payload = CopyControlPayload(control, eventType, eventData);
  channel_.Deliver(std::move(event));
  return NO_ERROR;
}

// With statusMutex_ held, on whichever thread reports. A pending state the
// dispatcher enters on its own starts at checkpoint 1; a stop accepts nothing more.
void ServiceDispatcher::EnterPendingLocked(DWORD state, DWORD waitHint) {
  SERVICE_STATUS next = status_;
  next.dwCurrentState = state;
  next.dwCheckPoint = 1;
  next.dwWaitHint = waitHint;
  next.dwControlsAccepted = state == SERVICE_STOP_PENDING ? 0 : status_.dwControlsAccepted;
  if (statusHandle_ != nullptr && ::SetServiceStatus(statusHandle_, &next)) status_ = next;
}

// With statusMutex_ held.
bool ServiceDispatcher::IsAcceptedLocked(DWORD control) const {
  DWORD flag = AcceptFlagFor(control);
  if (flag == 0) return control == SERVICE_CONTROL_DEVICEEVENT;
  return (status_.dwControlsAccepted & flag) != 0;
}

// Main thread, in SetStatus with statusMutex_ held (the one place threadMutex_
// is taken inside it), once: STOPPED is reported once. The channel keeps the
// loop: the dispatcher thread's Close(false) lets go once 'dispatcher-exit' is
// delivered, and the watch lets go at the bound if the dispatcher never returns.
void ServiceDispatcher::WatchForDispatcherExit() {
  std::lock_guard<std::mutex> lock(threadMutex_);
  if (stopped_) return;
  stopped_ = true;
  exitDeadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(kDispatcherExitBoundMs);
  if (dispatcherReturned_ || ownerGone_) return;
  try {
    exitWatch_ = std::thread([this] { RunExitWatchThread(); });
  } catch (const std::system_error&) {
    channel_.LetGoOfLoop();  // no thread to watch with: the loop is not held past STOPPED
  }
}

// Runs on the exit-watch thread, from STOPPED until the dispatcher returns,
// the owning environment is torn down, or the bound passes.
void ServiceDispatcher::RunExitWatchThread() {
  bool settled;
  {
    std::unique_lock<std::mutex> lock(threadMutex_);
    settled = threadDone_.wait_until(lock, exitDeadline_, [this] { return dispatcherReturned_ || ownerGone_; });
  }
  // napi_unref_threadsafe_function is main-thread only: the channel asks the
  // main thread to let go. A 'dispatcher-exit' that comes later is still
  // delivered if something else keeps the process.
  if (!settled) channel_.LetGoOfLoop();
}

// Runs on the main thread while the owning environment is torn down.
void ServiceDispatcher::OnOwnerEnvCleanup() {
  channel_.Close(true);
  std::unique_lock<std::mutex> lock(threadMutex_);
  // After STOPPED the dispatcher returns within moments: waited for up to the
  // bound of the hold (nothing more once it has passed). Otherwise it is still
  // serving the SCM and the process is leaving without a final status, which
  // the SCM rightly treats as a crash.
  if (stopped_) threadDone_.wait_until(lock, exitDeadline_, [this] { return dispatcherReturned_; });
  ownerGone_ = true;
  lock.unlock();
  threadDone_.notify_all();
  if (exitWatch_.joinable()) exitWatch_.join();
  lock.lock();
  if (!thread_.joinable()) return;
  if (dispatcherReturned_) {
    lock.unlock();
    thread_.join();
  } else {
    thread_.detach();
  }
}

// Runs on the main thread.
SERVICE_STATUS ServiceDispatcher::SetStatus(Napi::Env env, const StatusRequest& request) {
  std::lock_guard<std::mutex> lock(statusMutex_);
  ExpectConnected(env);
  if (request.hasControlsAccepted) accepted_ = request.controlsAccepted;
  bool stopOvertook = undeliveredStops_ > 0 && status_.dwCurrentState == SERVICE_STOP_PENDING &&
                      request.state != SERVICE_STOP_PENDING && request.state != SERVICE_STOPPED;
  if (stopOvertook) return status_;
  if (!IsAllowedTransition(status_.dwCurrentState, request.state)) {
    throw MakeError(env, "ERR_SERVICEHOST_INVALID_TRANSITION",
                    std::string("A service cannot go from ") + ScmStateName(status_.dwCurrentState) +
                        " to " + ScmStateName(request.state) + ".");
  }
  SERVICE_STATUS next = status_;
  bool pending = IsPendingState(request.state);
  next.dwCurrentState = request.state;
  // A checkpoint means progress: it advances only when the same pending state
  // is reported again, and starts at 1 for a new one.
  next.dwCheckPoint = !pending ? 0 : request.state == status_.dwCurrentState ? status_.dwCheckPoint + 1 : 1;
  next.dwWaitHint = pending ? request.waitHint : 0;
  bool acceptsNothing = request.state == SERVICE_START_PENDING || request.state == SERVICE_STOP_PENDING ||
                        request.state == SERVICE_STOPPED;
  next.dwControlsAccepted = acceptsNothing ? 0 : accepted_;
  if (request.state == SERVICE_STOPPED && request.serviceSpecificExitCode != 0) {
    next.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
    next.dwServiceSpecificExitCode = request.serviceSpecificExitCode;
  } else {
    next.dwWin32ExitCode = request.state == SERVICE_STOPPED ? request.win32ExitCode : NO_ERROR;
    next.dwServiceSpecificExitCode = 0;
  }
  if (!::SetServiceStatus(statusHandle_, &next)) {
    throw Win32Error(env, GetLastError(), "SetServiceStatus");
  }
  status_ = next;
  // The SCM no longer needs the process, but the caller still waits for
  // 'dispatcher-exit': the channel keeps holding the loop until then, or the bound.
  if (status_.dwCurrentState == SERVICE_STOPPED) WatchForDispatcherExit();
  return status_;
}

// Main thread, with statusMutex_ held.
void ServiceDispatcher::ExpectConnected(Napi::Env env) const {
  if (statusHandle_ == nullptr) {
    throw MakeError(env, "ERR_SERVICEHOST_NOT_CONNECTED",
                    "The service status cannot be set before the SCM has started the service: "
                    "wait for the 'service-main' event.");
  }
  if (status_.dwCurrentState == SERVICE_STOPPED) {
    throw MakeError(env, "ERR_SERVICEHOST_ALREADY_STOPPED",
                    "The service has already reported STOPPED; the SCM accepts no further status.");
  }
}

// Runs on the main thread.
SERVICE_STATUS ServiceDispatcher::SetControlsAccepted(Napi::Env env, DWORD controlsAccepted) {
  std::lock_guard<std::mutex> lock(statusMutex_);
  ExpectConnected(env);
  accepted_ = controlsAccepted;
  DWORD state = status_.dwCurrentState;
  if (state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING || status_.dwControlsAccepted == controlsAccepted) {
    return status_;
  }
  SERVICE_STATUS next = status_;
  next.dwControlsAccepted = controlsAccepted;
  if (!::SetServiceStatus(statusHandle_, &next)) {
    throw Win32Error(env, GetLastError(), "SetServiceStatus");
  }
  status_ = next;
  return status_;
}

// Runs on the main thread.
void ServiceDispatcher::OnStopDelivered() {
  std::lock_guard<std::mutex> lock(statusMutex_);
  if (undeliveredStops_ > 0) --undeliveredStops_;
}

// Runs on the main thread.
void ServiceDispatcher::SetPolicy(const DispatcherPolicy& policy) {
  std::lock_guard<std::mutex> lock(statusMutex_);
  policy_ = policy;
}

// Runs on the main thread.
DispatcherPolicy ServiceDispatcher::Policy() {
  std::lock_guard<std::mutex> lock(statusMutex_);
  return policy_;
}

// Runs on the main thread (diagnostics): HandlerEx normally runs on the dispatcher thread.
DWORD ServiceDispatcher::InvokeHandlerForDiagnostics(DWORD control, DWORD eventType, void* eventData) {
  return HandlerEx(control, eventType, eventData, this);
}

}  // namespace servicehost
