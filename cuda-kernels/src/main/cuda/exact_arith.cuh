// Arithmetic rounded after every operation, as Java evaluates it: nvcc contracts a·b + c into
// one fused multiply-add (one rounding instead of two), which would make the device's results
// differ in the last bit from the CPU backend's where both compute the same expression in the
// same order (pooling sums, the normalisation's x·scale + shift). The _rn intrinsics are never
// contracted (CUDA C++ Programming Guide, "Floating-Point Standard" / intrinsic functions).
#pragma once

__device__ __forceinline__ float mulRn(float a, float b) { return __fmul_rn(a, b); }
__device__ __forceinline__ double mulRn(double a, double b) { return __dmul_rn(a, b); }
__device__ __forceinline__ float addRn(float a, float b) { return __fadd_rn(a, b); }
__device__ __forceinline__ double addRn(double a, double b) { return __dadd_rn(a, b); }
__device__ __forceinline__ float subRn(float a, float b) { return __fsub_rn(a, b); }
__device__ __forceinline__ double subRn(double a, double b) { return __dsub_rn(a, b); }
__device__ __forceinline__ float divRn(float a, float b) { return __fdiv_rn(a, b); }
__device__ __forceinline__ double divRn(double a, double b) { return __ddiv_rn(a, b); }
__device__ __forceinline__ float sqrtRn(float a) { return __fsqrt_rn(a); }
__device__ __forceinline__ double sqrtRn(double a) { return __dsqrt_rn(a); }
