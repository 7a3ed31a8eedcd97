// Carries events from native threads into the Node event loop. Events wait in
// a queue of the channel's own; one thread-safe function call wakes the main
// thread, which takes the whole queue at once, in order. Every event is
// delivered as its own, up to a bound on the events a caller may drop
// (Event::Droppable()): once that many wait, a droppable event folds into an
// identical one still waiting (Event::TryMerge, which counts it), and is
// dropped (counted) only when none waits. So a flood of controls against a
// blocked loop holds memory flat, and below the bound nothing is merged. A
// lock keeps every thread from using the function after it is closed. A
// listener that throws reaches process 'uncaughtException'.
#pragma once

#include <napi.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>

#include "js_error.h"

namespace servicehost {

struct ChannelStats {
  uint64_t delivered = 0;  // events handed to JavaScript
  uint64_t merged = 0;     // past the bound: repeats folded into an identical event still waiting
  uint64_t dropped = 0;    // past the bound, with no identical event waiting: refused
};

// Event needs: bool Droppable() const; bool TryMerge(Event& waiting) const
// (true when `waiting` absorbed this one); static void ToJs(Napi::Env, Napi::Function, const Event&).
template <typename Event>
class JsEventChannel {
 public:
  // How many droppable events may wait at once, each its own; past it they
  // merge or drop. The others always get in.
  static constexpr size_t kDroppableLimit = 1024;

  // Main thread. `holdsProcess`: the channel keeps the event loop alive until
  // it is closed and its last event delivered, or LetGoOfLoop().
  void Open(Napi::Env env, Napi::Function listener, const char* name, bool holdsProcess) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Opened again after a Close: nothing of the last opening carries over.
    queue_.clear();
    droppableWaiting_ = 0;
    wakePending_ = false;
    letGo_ = false;
    sink_ = Sink::New(env, listener, name, 0, 1, this);
    if (!holdsProcess) sink_.Unref(env);
    held_ = holdsProcess;
    open_ = true;
  }

  // Any thread: stops keeping the event loop alive; events are still
  // delivered while something else keeps it. napi_unref_threadsafe_function
  // is main-thread only, so this wakes the main thread, which lets go in CallJs.
  void LetGoOfLoop() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_ || !held_ || letGo_) return;
    letGo_ = true;
    WakeLocked();
  }

  // Any thread. Never blocks on the main thread. Returns false once the
  // channel is closed (the event is not delivered).
  bool Deliver(std::unique_ptr<Event> event) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) return false;
    if (event->Droppable()) {
      if (droppableWaiting_ >= kDroppableLimit) {
        // From the newest back: in a flood the last identical one is near the end.
        for (auto waiting = queue_.rbegin(); waiting != queue_.rend(); ++waiting) {
          if (event->TryMerge(**waiting)) {
            ++stats_.merged;
            return true;
          }
        }
        ++stats_.dropped;
        return true;
      }
      ++droppableWaiting_;
    }
    queue_.push_back(std::move(event));
    return WakeLocked();
  }

  // Any thread: after the last event (`abort` false: what waits is still
  // delivered), or at environment teardown on the main thread (`abort` true).
  void Close(bool abort) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) return;
    open_ = false;
    if (abort) {
      queue_.clear();
      sink_.Abort();
    } else {
      sink_.Release();
    }
  }

  ChannelStats Stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
  }

 private:
  // With mutex_ held, any thread: one wake of the main thread covers whatever waits.
  bool WakeLocked() {
    if (wakePending_) return true;
    if (sink_.NonBlockingCall(static_cast<void*>(nullptr)) != napi_ok) return false;
    wakePending_ = true;
    return true;
  }

  // Runs on the main thread: lets go of the loop if asked, and hands every
  // waiting event to JavaScript, in order.
  static void CallJs(Napi::Env env, Napi::Function listener, JsEventChannel* self, void* /*unused*/) {
    if (env == nullptr || listener == nullptr) return;  // torn down: nothing to call
    std::deque<std::unique_ptr<Event>> batch;
    {
      std::lock_guard<std::mutex> lock(self->mutex_);
      if (self->letGo_ && self->held_) {
        self->sink_.Unref(env);
        self->held_ = false;
      }
      batch.swap(self->queue_);
      self->droppableWaiting_ = 0;
      self->wakePending_ = false;
      self->stats_.delivered += batch.size();
    }
    for (const auto& event : batch) {
      try {
        Event::ToJs(env, listener, *event);
      } catch (const Napi::Error& error) {
        RaiseUncaught(env, error);
      }
    }
  }

  using Sink = Napi::TypedThreadSafeFunction<JsEventChannel, void, CallJs>;
  std::mutex mutex_;
  Sink sink_;
  std::deque<std::unique_ptr<Event>> queue_;
  size_t droppableWaiting_ = 0;
  ChannelStats stats_;
  bool wakePending_ = false;
  bool open_ = false;
  bool held_ = false;
  bool letGo_ = false;  // LetGoOfLoop() asked; the main thread unrefs in CallJs
};

}  // namespace servicehost
