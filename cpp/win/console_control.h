// Console control events (Ctrl-C, Ctrl-Break, close, logoff, shutdown) for a
// program run in a console rather than by the SCM.
#pragma once

#include <windows.h>

#include <napi.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "../common/js_event_channel.h"

namespace servicehost {

struct ConsoleEvent {
  DWORD ctrlType = 0;
  uint64_t receivedAtNs = 0;

  // A console event is never dropped or merged: each one is acted on.
  bool Droppable() const { return false; }
  bool TryMerge(ConsoleEvent& /*waiting*/) const { return false; }
  // Main thread.
  static void ToJs(Napi::Env env, Napi::Function listener, const ConsoleEvent& event);
};

class ConsoleControl {
 public:
  // Process-wide: SetConsoleCtrlHandler is.
  static ConsoleControl& Instance();

  // Main thread. `closeBudgetMs`: how long a close, logoff or shutdown event
  // holds the process open for JavaScript to stop (Windows allows 5 s).
  void Start(Napi::Env env, Napi::Function listener, DWORD closeBudgetMs);

  // Main thread: JavaScript has finished stopping; a held close may end the process.
  void ReleaseHeldEvents();

  // Main thread: removes the handler (Windows' default handling again) and
  // closes the channel; a later Start installs both anew.
  void Stop();

  // The routine SetConsoleCtrlHandler installs; runs on the system's thread
  // for each event (or a diagnostic thread standing in for it).
  static BOOL WINAPI Handler(DWORD ctrlType);

 private:
  ConsoleControl() = default;
  BOOL OnControl(DWORD ctrlType);
  void OnOwnerEnvCleanup();

  JsEventChannel<ConsoleEvent> channel_;
  std::mutex mutex_;
  std::condition_variable released_;
  bool stopFinished_ = false;
  bool started_ = false;
  bool cleanupHookAdded_ = false;
  DWORD closeBudgetMs_ = 4500;
};

}  // namespace servicehost
