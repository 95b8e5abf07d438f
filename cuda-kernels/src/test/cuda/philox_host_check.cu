// Runs the device Philox (philox.cuh) on the host, so a test can compare it with
// dev.lethe.tensor.Philox and the CPU dropout mask where no GPU exists.
// usage: philox_host_check SEED START N P  ->  N lines "word value": the Philox word of element i
// (word i mod 4 of block START + i/4) and its dropout value for probability P.
#include <cstdio>
#include <cstdlib>
#include "philox.cuh"

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: %s SEED START N P\n", argv[0]);
        return 2;
    }
    unsigned long long seed = std::strtoull(argv[1], nullptr, 10);
    unsigned long long start = std::strtoull(argv[2], nullptr, 10);
    long long n = std::strtoll(argv[3], nullptr, 10);
    double p = std::strtod(argv[4], nullptr);
    double keep = 1.0 / (1.0 - p);
    for (long long i = 0; i < n; ++i) {
        PhiloxWords r = philoxBlock(start + (unsigned long long) (i / 4), seed);
        unsigned word = r.w[i % 4];
        std::printf("%u %.17g\n", word, dropoutValue(word, p, keep));
    }
    return 0;
}
