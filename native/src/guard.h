#pragma once
#include <napi.h>
#include <c10/util/Exception.h>

namespace alz {
// Runs `body`, turning c10 and std exceptions into JS Errors prefixed with `what` (the call's name
// and its arguments), so that no libtorch failure can take the process down.
template <typename F>
Napi::Value Guard(Napi::Env env, const std::string& what, F&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw Napi::Error::New(env, what + " failed: " + msg);
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, what + " failed: " + e.what());
  }
}
}  // namespace alz
