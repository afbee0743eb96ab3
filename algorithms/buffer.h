// 64-byte aligned float storage: AVX loads and cache lines line up, and workspace size is explicit.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>

namespace convlab {

template <typename T>
class Buffer {
 public:
  Buffer() = default;
  explicit Buffer(size_t count) { resize(count); }
  void resize(size_t count) {
    if (count == count_) return;
    size_t bytes = ((count * sizeof(T) + 63) / 64) * 64;
    T* p = bytes ? static_cast<T*>(std::aligned_alloc(64, bytes)) : nullptr;
    if (bytes && !p) throw std::bad_alloc();
    data_.reset(p);
    count_ = count;
  }
  void zero() {
    if (count_) std::memset(static_cast<void*>(data_.get()), 0, count_ * sizeof(T));
  }
  T* data() { return data_.get(); }
  const T* data() const { return data_.get(); }
  size_t size() const { return count_; }
  size_t bytes() const { return count_ * sizeof(T); }
  T& operator[](size_t i) { return data_.get()[i]; }
  const T& operator[](size_t i) const { return data_.get()[i]; }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> data_;
  size_t count_ = 0;
};

}  // namespace convlab
