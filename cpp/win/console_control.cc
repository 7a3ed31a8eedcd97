#include "console_control.h"

#include <chrono>
#include <thread>

#include "../binding.h"
#include "../common/js_error.h"
#include "../common/monotonic_clock.h"
#include "win32_error.h"

namespace servicehost {

ConsoleControl& ConsoleControl::Instance() {
  // Never destroyed: a handler thread may still be waiting at process exit.
  static ConsoleControl* instance = new ConsoleControl();
  return *instance;
}

void ConsoleControl::Start(Napi::Env env, Napi::Function listener, DWORD closeBudgetMs) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (started_) {
      throw MakeError(env, "ERR_SERVICEHOST_CONSOLE_HANDLER_STARTED",
                      "The console control handler is already installed in this process.");
    }
    started_ = true;
    stopFinished_ = false;
    closeBudgetMs_ = closeBudgetMs;
  }
  channel_.Open(env, listener, "servicehost:console", false);
  if (!SetConsoleCtrlHandler(&ConsoleControl::Handler, TRUE)) {
    DWORD error = GetLastError();
    channel_.Close(true);
    std::lock_guard<std::mutex> lock(mutex_);
    started_ = false;
    throw Win32Error(env, error, "SetConsoleCtrlHandler");
  }
  if (!cleanupHookAdded_) {
    cleanupHookAdded_ = true;
    env.AddCleanupHook([this] { OnOwnerEnvCleanup(); });
  }
}

void ConsoleControl::Stop() {
  // The handler first: from here the system's threads no longer call it, so
  // nothing new reaches the channel while it closes.
  SetConsoleCtrlHandler(&ConsoleControl::Handler, FALSE);
  channel_.Close(true);
  // A close event held in the handler may end the process now, as Windows would have.
  ReleaseHeldEvents();
  std::lock_guard<std::mutex> lock(mutex_);
  started_ = false;
}

// Runs on a thread the system creates for each console event.
BOOL WINAPI ConsoleControl::Handler(DWORD ctrlType) {
  return Instance().OnControl(ctrlType);
}

// Runs on the system's console event thread. Returning TRUE means handled:
// Ctrl-C and Ctrl-Break then leave the process running. For close, logoff and
// shutdown, Windows ends the process as soon as the handler returns, so it
// holds here until JavaScript has stopped, within Windows' budget.
BOOL ConsoleControl::OnControl(DWORD ctrlType) {
  auto event = std::make_unique<ConsoleEvent>();
  event->ctrlType = ctrlType;
  event->receivedAtNs = MonotonicNs();
  if (!channel_.Deliver(std::move(event))) return FALSE;  // no listener left: default handling
  if (ctrlType == CTRL_C_EVENT || ctrlType == CTRL_BREAK_EVENT) return TRUE;
  std::unique_lock<std::mutex> lock(mutex_);
  released_.wait_for(lock, std::chrono::milliseconds(closeBudgetMs_), [this] { return stopFinished_; });
  return TRUE;
}

void ConsoleControl::ReleaseHeldEvents() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopFinished_ = true;
  }
  released_.notify_all();
}

// Runs on the main thread while the owning environment is torn down. A held
// close is not released here: this is usually process.exit(code) at work, and
// a handler that returned now would let Windows end the process with
// STATUS_CONTROL_C_EXIT before our own exit code is in. Exiting ends the
// waiting thread; a worker's teardown leaves it to the budget.
void ConsoleControl::OnOwnerEnvCleanup() {
  channel_.Close(true);
  SetConsoleCtrlHandler(&ConsoleControl::Handler, FALSE);
}

void ConsoleEvent::ToJs(Napi::Env env, Napi::Function listener, const ConsoleEvent& event) {
  Napi::Object object = Napi::Object::New(env);
  object["ctrlType"] = Napi::Number::New(env, event.ctrlType);
  object["receivedAt"] = Napi::Number::New(env, MonotonicMs(event.receivedAtNs));
  listener.Call({object});
}

Napi::Value StartConsoleControlHandler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    throw MakeTypeError(env, "startConsoleControlHandler(options): options must be an object");
  }
  Napi::Object options = info[0].As<Napi::Object>();
  Napi::Value onEvent = options.Get("onEvent");
  if (!onEvent.IsFunction()) throw MakeTypeError(env, "startConsoleControlHandler: options.onEvent must be a function");
  Napi::Value budget = options.Get("closeBudgetMs");
  DWORD closeBudgetMs = 4500;
  if (!budget.IsUndefined()) {
    if (!budget.IsNumber()) throw MakeTypeError(env, "startConsoleControlHandler: options.closeBudgetMs must be a number");
    double value = budget.As<Napi::Number>().DoubleValue();
    if (!(value >= 0 && value <= 60000)) {
      throw MakeRangeError(env, "startConsoleControlHandler: options.closeBudgetMs must be from 0 to 60000");
    }
    closeBudgetMs = static_cast<DWORD>(value);
  }
  ConsoleControl::Instance().Start(env, onEvent.As<Napi::Function>(), closeBudgetMs);
  return env.Undefined();
}

Napi::Value ReleaseConsoleControl(const Napi::CallbackInfo& info) {
  ConsoleControl::Instance().ReleaseHeldEvents();
  return info.Env().Undefined();
}

Napi::Value StopConsoleControlHandler(const Napi::CallbackInfo& info) {
  ConsoleControl::Instance().Stop();
  return info.Env().Undefined();
}

// Main thread, diagnostics: runs the handler on a thread of its own, as the
// system does for every console event, for the events no test can raise
// (close, logoff, shutdown: closing a console window). When the handler
// returns from one of those, the thread ends the process with
// STATUS_CONTROL_C_EXIT, as Windows does, so a test sees the hold end.
Napi::Value DebugInvokeConsoleHandler(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw MakeTypeError(env, "debugInvokeConsoleHandler(ctrlType): ctrlType must be a number");
  DWORD ctrlType = info[0].As<Napi::Number>().Uint32Value();
  if (ctrlType != CTRL_C_EVENT && ctrlType != CTRL_BREAK_EVENT && ctrlType != CTRL_CLOSE_EVENT &&
      ctrlType != CTRL_LOGOFF_EVENT && ctrlType != CTRL_SHUTDOWN_EVENT) {
    throw MakeRangeError(env, "debugInvokeConsoleHandler: ctrlType must be 0, 1, 2, 5 or 6 (a CTRL_*_EVENT)");
  }
  std::thread([ctrlType] {
    // Runs on this diagnostic thread, standing in for the system's.
    ConsoleControl::Handler(ctrlType);
    if (ctrlType == CTRL_C_EVENT || ctrlType == CTRL_BREAK_EVENT) return;
    ExitProcess(STATUS_CONTROL_C_EXIT);
  }).detach();
  return env.Undefined();
}

// Main thread, diagnostics: moves this process onto a console of its own and
// raises a console control event there, so the real handler runs on the
// system's thread (Ctrl-Break cannot be typed by a test).
Napi::Value DebugGenerateConsoleControl(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) throw MakeTypeError(env, "debugGenerateConsoleControl(ctrlType): ctrlType must be a number");
  DWORD ctrlType = info[0].As<Napi::Number>().Uint32Value();
  if (ctrlType != CTRL_C_EVENT && ctrlType != CTRL_BREAK_EVENT) {
    throw MakeRangeError(env, "debugGenerateConsoleControl: ctrlType must be 0 (Ctrl-C) or 1 (Ctrl-Break)");
  }
  // A console of our own first: the event reaches every process on the
  // console, and the one we were started on is shared with our parent.
  FreeConsole();
  if (!AllocConsole()) throw Win32Error(env, GetLastError(), "AllocConsole");
  if (!GenerateConsoleCtrlEvent(ctrlType, 0)) throw Win32Error(env, GetLastError(), "GenerateConsoleCtrlEvent");
  return env.Undefined();
}

}  // namespace servicehost
