// Carries events from native threads into the Node event loop: one
// thread-safe function, unref'd (it never keeps an idle process alive), and a
// lock so that no thread calls it after it is closed. Events are heap copies;
// the channel owns them until ToJs has run on the main thread.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>

namespace servicehost {

template <typename Event, void (*ToJs)(Napi::Env, Napi::Function, std::nullptr_t*, Event*)>
class JsEventChannel {
 public:
  // Main thread.
  void Open(Napi::Env env, Napi::Function listener, const char* name) {
    std::lock_guard<std::mutex> lock(mutex_);
    sink_ = Sink::New(env, listener, name, 0, 1);
    sink_.Unref(env);
    open_ = true;
  }

  // Any thread. Never blocks on the main thread: the queue is unbounded.
  // Returns false once the channel is closed (the event is dropped).
  bool Deliver(std::unique_ptr<Event> event) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) return false;
    if (sink_.NonBlockingCall(event.get()) != napi_ok) return false;
    event.release();
    return true;
  }

  // Any thread: after the last event (`abort` false), or at environment
  // teardown on the main thread (`abort` true: queued events are freed, not delivered).
  void Close(bool abort) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) return;
    open_ = false;
    if (abort) {
      sink_.Abort();
    } else {
      sink_.Release();
    }
  }

 private:
  using Sink = Napi::TypedThreadSafeFunction<std::nullptr_t, Event, ToJs>;
  std::mutex mutex_;
  Sink sink_;
  bool open_ = false;
};

}  // namespace servicehost
