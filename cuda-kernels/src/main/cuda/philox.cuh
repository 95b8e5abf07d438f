// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011, Fig. 2),
// word for word the generator of dev.lethe.tensor.Philox, so a seed and counter give the same
// words on the host and the device. __host__ __device__ so a host-compiled check can compare it
// with the Java generator where no GPU exists.
#pragma once
#include <cstdint>

struct PhiloxWords {
    uint32_t w[4];
};

// The four words of block `ctr` (high counter words 0) under the 64-bit key `seed`, as
// Philox.block(ctr, out): counter (lo32(ctr), hi32(ctr), 0, 0), key (lo32(seed), hi32(seed)).
__host__ __device__ inline PhiloxWords philoxBlock(unsigned long long ctr, unsigned long long seed) {
    const uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    uint32_t c0 = (uint32_t) ctr, c1 = (uint32_t) (ctr >> 32), c2 = 0u, c3 = 0u;
    uint32_t k0 = (uint32_t) seed, k1 = (uint32_t) (seed >> 32);
    for (int round = 0; round < 10; ++round) {
        unsigned long long p0 = (unsigned long long) M0 * c0;
        unsigned long long p1 = (unsigned long long) M1 * c2;
        uint32_t n0 = (uint32_t) (p1 >> 32) ^ c1 ^ k0;
        uint32_t n1 = (uint32_t) p1;
        uint32_t n2 = (uint32_t) (p0 >> 32) ^ c3 ^ k1;
        uint32_t n3 = (uint32_t) p0;
        c0 = n0;
        c1 = n1;
        c2 = n2;
        c3 = n3;
        k0 += W0;
        k1 += W1;
    }
    PhiloxWords r = {{c0, c1, c2, c3}};
    return r;
}

// Inverted dropout's value for one word (dev.lethe.tensor.cpu.Dropout): the float32-resolution
// uniform u = (word >> 8)·2⁻²⁴ keeps the element, as `keep` = 1/(1−p), when u ≥ p, else 0.
__host__ __device__ inline double dropoutValue(uint32_t word, double p, double keep) {
    return (double) (word >> 8) * (1.0 / 16777216.0) >= p ? keep : 0.0;
}
