package dev.lethe.bench;

import dev.lethe.tensor.cpu.CpuThreads;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * The raw-OpenBLAS baseline: {@code C[M×N] = A[M×K]·B[K×N]} by one {@code cblas_sgemm} call on
 * preallocated off-heap row-major matrices (B optionally stored as its transpose [N×K] and
 * passed with the transposed flag), with OpenBLAS on the same thread count Lethe uses.
 * Nothing is allocated or checked per call, so it is the best a Java caller of OpenBLAS can do.
 */
final class DirectSgemm implements AutoCloseable {
    private final int m;
    private final int n;
    private final int k;
    private final boolean transB;
    private final FloatPointer a;
    private final FloatPointer b;
    private final FloatPointer c;

    DirectSgemm(int m, int n, int k) {
        this(m, n, k, false);
    }

    DirectSgemm(int m, int n, int k, boolean transB) {
        CpuThreads.threads(); // sets OpenBLAS's thread count exactly as the CPU backend does
        this.m = m;
        this.n = n;
        this.k = k;
        this.transB = transB;
        this.a = BenchInputs.uniformPointer(1, (long) m * k);
        this.b = BenchInputs.uniformPointer(2, (long) k * n);
        this.c = BenchInputs.uniformPointer(3, (long) m * n);
    }

    /** One product; returns a value of C so the call cannot be optimised away. */
    float run() {
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                transB ? openblas.CblasTrans : openblas.CblasNoTrans,
                m, n, k, 1.0f, a, k, b, transB ? k : n, 0.0f, c, n);
        return c.get(0);
    }

    @Override
    public void close() {
        a.deallocate();
        b.deallocate();
        c.deallocate();
    }
}
