// Runs Lethe's CUDA kernels on the host, for tests on machines without a GPU: the CUDA keywords
// become plain C++, each launch runs its blocks one after another with one std::thread per
// thread of a block, __syncthreads is a barrier of the block's threads, shared memory is one
// buffer the block's threads share, atomics take one lock, and a warp ballot is taken at a
// block barrier (so, as on the device, every thread of the block must reach it). Slow, and only
// for small launches; it checks the kernels' index arithmetic, reductions and races' outcomes,
// not their speed. Include it before the .cu files.
#pragma once
#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

using std::erf;
using std::exp;
using std::fabs;
using std::fmin;
using std::log;
using std::max;
using std::min;
using std::pow;
using std::signbit;
using std::sqrt;
using std::tanh;

#define __host__
#define __device__
#define __global__
#define __forceinline__ inline
#define __shared__ static

struct EmulatedDim {
    unsigned x;
};

namespace emu {
inline thread_local EmulatedDim thread{0};
inline thread_local EmulatedDim block{0};
inline EmulatedDim blockSize{1};
inline EmulatedDim gridSize{1};
inline std::barrier<>* barrier = nullptr;
inline std::mutex atomics;
inline std::vector<double> dynamicShared(1 << 13);  // 64 KiB, more than any launch asks for
inline std::vector<int> votes(1024);

// Runs fn as `grid` blocks of `block` threads each, with `sharedBytes` of dynamic shared memory.
inline void launch(unsigned grid, unsigned block, size_t sharedBytes, const std::function<void()>& fn) {
    if (sharedBytes > dynamicShared.size() * sizeof(double) || block > votes.size()) {
        std::abort();
    }
    gridSize.x = grid;
    blockSize.x = block;
    for (unsigned b = 0; b < grid; ++b) {
        std::barrier<> sync(block);
        barrier = &sync;
        std::vector<std::thread> threads;
        for (unsigned t = 0; t < block; ++t) {
            threads.emplace_back([&, t, b] {
                thread.x = t;
                emu::block.x = b;
                fn();
            });
        }
        for (auto& th : threads) {
            th.join();
        }
    }
}
}  // namespace emu

#define threadIdx emu::thread
#define blockIdx emu::block
#define blockDim emu::blockSize
#define gridDim emu::gridSize
#define LETHE_DYNAMIC_SHARED(type, name) type* name = reinterpret_cast<type*>(emu::dynamicShared.data())

inline void __syncthreads() { emu::barrier->arrive_and_wait(); }

inline unsigned __ballot_sync(unsigned, bool predicate) {
    emu::votes[threadIdx.x] = predicate ? 1 : 0;
    __syncthreads();
    unsigned first = threadIdx.x & ~31u;
    unsigned ballot = 0;
    for (unsigned lane = 0; lane < 32 && first + lane < blockDim.x; ++lane) {
        ballot |= (unsigned) emu::votes[first + lane] << lane;
    }
    __syncthreads();
    return ballot;
}

inline int __popc(unsigned v) { return __builtin_popcount(v); }
inline long long __double_as_longlong(double v) {
    long long bits;
    std::memcpy(&bits, &v, sizeof bits);
    return bits;
}
inline float __fmul_rn(float a, float b) { return a * b; }
inline double __dmul_rn(double a, double b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline double __dadd_rn(double a, double b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline double __dsub_rn(double a, double b) { return a - b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
inline double __ddiv_rn(double a, double b) { return a / b; }
inline float __fsqrt_rn(float a) { return std::sqrt(a); }
inline double __dsqrt_rn(double a) { return std::sqrt(a); }
inline float fminf(float a, float b) { return std::fmin(a, b); }
inline float fabsf(float a) { return std::fabs(a); }

inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
    std::lock_guard<std::mutex> lock(emu::atomics);
    unsigned long long old = *p;
    *p = old + v;
    return old;
}
inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
    std::lock_guard<std::mutex> lock(emu::atomics);
    unsigned long long old = *p;
    *p = std::min(old, v);
    return old;
}
inline int atomicExch(int* p, int v) {
    std::lock_guard<std::mutex> lock(emu::atomics);
    int old = *p;
    *p = v;
    return old;
}
