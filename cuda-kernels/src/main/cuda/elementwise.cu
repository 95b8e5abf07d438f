// Elementwise kernels: one generic strided kernel per dtype for all unary ops, one for all binary
// ops (broadcasting by zero strides), where, fill and a converting strided copy. The op is a
// warp-uniform switch on a code the host takes from KernelOps (UnaryOp/BinaryOp order).
#include "lethe_kernels.cuh"

template <typename T> __device__ __forceinline__ T unaryOp(int op, T x) {
    const T zero = 0, one = 1;
    switch (op) {
        case 0: return -x;                                           // NEG
        case 1: return x < zero ? -x : (x == zero ? zero : x);       // ABS (|-0| = 0)
        case 2: return x * x;                                        // SQUARE
        case 3: return sqrt(x);                                      // SQRT
        case 4: return one / sqrt(x);                                // RSQRT
        case 5: return one / x;                                      // RECIPROCAL
        case 6: return exp(x);                                       // EXP
        case 7: return log(x);                                       // LOG
        case 8: return x > zero ? one : (x < zero ? -one : x);       // SIGN (keeps ±0 and NaN)
        case 9: return x != x ? x : (x > zero ? x : zero);           // RELU, NaN kept
        case 10: return x > zero ? one : zero;                       // STEP, step(0) = 0
        case 11: {                                                   // SIGMOID, split by sign
            if (x >= zero) return one / (one + exp(-x));
            T e = exp(x);
            return e / (one + e);
        }
        case 12: return tanh(x);                                     // TANH
        case 13: return erf(x);                                      // ERF
        case 14: return (T) 0.5 * x * (one + erf(x * (T) 0.70710678118654752440));  // GELU, x·Φ(x)
        case 15: {                                                   // GELU_GRAD, Φ(x) + x·φ(x)
            T cdf = (T) 0.5 * (one + erf(x * (T) 0.70710678118654752440));
            T pdf = exp((T) -0.5 * x * x) * (T) 0.39894228040143267794;
            return cdf + x * pdf;
        }
        default: return x;  // unreachable: the host only sends known codes
    }
}

template <typename T> __device__ __forceinline__ T binaryOp(int op, T a, T b) {
    const T zero = 0, one = 1;
    switch (op) {
        case 0: return a + b;                                   // ADD
        case 1: return a - b;                                   // SUB
        case 2: return a * b;                                   // MUL
        case 3: return a / b;                                   // DIV
        case 4: return pow(a, b);                               // POW
        case 5: return javaMax(a, b);                           // MAXIMUM
        case 6: return javaMin(a, b);                           // MINIMUM
        case 7: return b > zero ? a : zero;                     // GATE (NaN b gives 0)
        case 8: return a + b * b;                               // ADD_SQUARE
        case 9: return a + (b < zero ? -b : b);                 // ADD_ABS
        case 10: return a == b ? one : zero;                    // EQ
        case 11: return a != b ? one : zero;                    // NE
        case 12: return a < b ? one : zero;                     // LT
        case 13: return a <= b ? one : zero;                    // LE
        case 14: return a > b ? one : zero;                     // GT
        case 15: return a >= b ? one : zero;                    // GE
        default: return a;
    }
}

// Floats compute in their own type, integers in double (ComputeType), stored back as the CPU does.
template <typename T> __device__ void unaryKernel(int op, long long n, Layout3 L, T* out, const T* x) {
    typedef typename ComputeType<T>::type C;
    GRID_STRIDE_LOOP(i, n) {
        long long o, ox, unused;
        offsets3(L, i, o, ox, unused);
        out[o] = storeAs<T>(unaryOp<C>(op, (C) x[ox]));
    }
}

template <typename T> __device__ void binaryKernel(int op, long long n, Layout3 L, T* out, const T* a, const T* b) {
    typedef typename ComputeType<T>::type C;
    GRID_STRIDE_LOOP(i, n) {
        long long o, oa, ob;
        offsets3(L, i, o, oa, ob);
        out[o] = storeAs<T>(binaryOp<C>(op, (C) a[oa], (C) b[ob]));
    }
}

// where: out = cond != 0 ? a : b; cond's offsets ride in slot 0 of a second layout walk, so the
// layout's three slots are out, a, b and cond has its own strides.
template <typename T> __device__ void whereKernel(long long n, Layout3 L, Layout3 C, T* out, const T* cond,
                                                  const T* a, const T* b) {
    GRID_STRIDE_LOOP(i, n) {
        long long o, oa, ob, oc, u1, u2;
        offsets3(L, i, o, oa, ob);
        offsets3(C, i, oc, u1, u2);
        out[o] = cond[oc] != (T) 0 ? a[oa] : b[ob];
    }
}

template <typename T> __device__ void fillKernel(long long n, Layout3 L, T* out, T value) {
    GRID_STRIDE_LOOP(i, n) {
        long long o, u1, u2;
        offsets3(L, i, o, u1, u2);
        out[o] = value;
    }
}

// A float to an integer goes as Java's cast (storeAs: saturating, NaN to 0); every other pair
// converts directly, so int64 to int64 keeps all 64 bits.
template <typename S, typename D> __device__ __forceinline__ D convert(S v) {
    if constexpr (ComputeType<D>::isInteger && !ComputeType<S>::isInteger) {
        return storeAs<D>((double) v);
    } else {
        return (D) v;
    }
}

template <typename S, typename D> __device__ void copyKernel(long long n, Layout3 L, D* dst, const S* src) {
    GRID_STRIDE_LOOP(i, n) {
        long long o, os, unused;
        offsets3(L, i, o, os, unused);
        dst[o] = convert<S, D>(src[os]);
    }
}

#define ELEMENTWISE(T, suffix)                                                                          \
    extern "C" __global__ void unary_##suffix(int op, long long n, Layout3 L, T* out, const T* x) {      \
        unaryKernel<T>(op, n, L, out, x);                                                               \
    }                                                                                                   \
    extern "C" __global__ void binary_##suffix(int op, long long n, Layout3 L, T* out, const T* a,       \
                                               const T* b) {                                            \
        binaryKernel<T>(op, n, L, out, a, b);                                                           \
    }                                                                                                   \
    extern "C" __global__ void where_##suffix(long long n, Layout3 L, Layout3 C, T* out, const T* cond,  \
                                              const T* a, const T* b) {                                 \
        whereKernel<T>(n, L, C, out, cond, a, b);                                                       \
    }

ELEMENTWISE(float, f32)
ELEMENTWISE(double, f64)
ELEMENTWISE(int, i32)
ELEMENTWISE(long long, i64)

#define FILL(T, suffix)                                                                                 \
    extern "C" __global__ void fill_##suffix(long long n, Layout3 L, T* out, T value) {                  \
        fillKernel<T>(n, L, out, value);                                                                \
    }
FILL(int, i32)
FILL(long long, i64)
FILL(float, f32)
FILL(double, f64)

#define COPY(S, s, D, d)                                                                                \
    extern "C" __global__ void copy_##s##_##d(long long n, Layout3 L, D* dst, const S* src) {            \
        copyKernel<S, D>(n, L, dst, src);                                                               \
    }
#define COPY_FROM(S, s) COPY(S, s, int, i32) COPY(S, s, long long, i64) COPY(S, s, float, f32) COPY(S, s, double, f64)
COPY_FROM(int, i32)
COPY_FROM(long long, i64)
COPY_FROM(float, f32)
COPY_FROM(double, f64)
