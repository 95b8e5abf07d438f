package dev.lethe.cuda;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Matrix products through cuBLAS on the backend's stream, planned by {@link GemmPlan}. float32
 * products use plain float32 arithmetic unless {@code -Dlethe.cuda.tf32=true} allows TF32
 * tensor cores (about 10 mantissa bits: faster, and no longer within the op tests' 1e-4).
 */
final class CublasGemm {
    /** Whether float32 products may use TF32 tensor cores. */
    static final boolean TF32 = Boolean.getBoolean("lethe.cuda.tf32");

    private final CudaContext context;
    private cublasContext handle;
    // alpha = 1 and beta = 0, read by cuBLAS from host memory (its default pointer mode).
    private final FloatPointer oneF = new FloatPointer(1f);
    private final FloatPointer zeroF = new FloatPointer(0f);
    private final DoublePointer oneD = new DoublePointer(1.0);
    private final DoublePointer zeroD = new DoublePointer(0.0);

    CublasGemm(CudaContext context) {
        this.context = context;
    }

    /** out (contiguous, [batch..., M, N]) = a · b with broadcast batch dimensions. */
    synchronized void matmul(Tensor a, Tensor b, Tensor out) {
        String op = "matmul";
        if (!out.dtype().isFloating() || a.dtype() != out.dtype() || b.dtype() != out.dtype()) {
            throw new UnsupportedOperationException("the CUDA backend multiplies float32 or float64 matrices of one dtype, not "
                    + a.dtype() + " · " + b.dtype() + " into " + out.dtype());
        }
        if (!out.isContiguous()) {
            throw new IllegalArgumentException(op + ": the output must be contiguous");
        }
        LaunchChecks.checkWithinStorage(a, op);
        LaunchChecks.checkWithinStorage(b, op);
        LaunchChecks.checkWithinStorage(out, op);
        GemmPlan plan = GemmPlan.of(a.shape(), a.strides(), a.offset(), b.shape(), b.strides(), b.offset(), out.shape(),
                out.offset());
        if (plan == null) {
            // A layout BLAS cannot address (e.g. a non-unit inner stride): multiply contiguous copies.
            Tensor ac = a.contiguous();
            Tensor bc = b.contiguous();
            try {
                matmul(ac, bc, out);
            } finally {
                if (ac != a) {
                    ac.close();
                }
                if (bc != b) {
                    bc.close();
                }
            }
            return;
        }
        if (plan.batch() == 0 || plan.m() == 0 || plan.n() == 0) {
            return;
        }
        if (plan.k() == 0) {
            out.fill_(0);
            return;
        }
        run(plan, out.dtype(), DeviceElementwise.address(a), DeviceElementwise.address(b), DeviceElementwise.address(out));
    }

    private void run(GemmPlan p, DType t, long a, long b, long c) {
        cublasContext h = handle();
        int opB = p.transB() ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        int opA = p.transA() ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        int e = t.byteSize();
        if (p.uniform()) {
            long sa = GemmPlan.step(p.aOffsets());
            long sb = GemmPlan.step(p.bOffsets());
            long sc = GemmPlan.step(p.cOffsets());
            long a0 = a + p.aOffsets()[0] * e;
            long b0 = b + p.bOffsets()[0] * e;
            long c0 = c + p.cOffsets()[0] * e;
            if (t == DType.FLOAT32) {
                check(cublas.cublasSgemmStridedBatched(h, opB, opA, p.n(), p.m(), p.k(), oneF,
                        new FloatPointer(new NativeAddress(b0)), p.ldb(), sb, new FloatPointer(new NativeAddress(a0)), p.lda(), sa,
                        zeroF, new FloatPointer(new NativeAddress(c0)), p.ldc(), sc, p.batch()),
                        "cublasSgemmStridedBatched");
            } else {
                check(cublas.cublasDgemmStridedBatched(h, opB, opA, p.n(), p.m(), p.k(), oneD,
                        new DoublePointer(new NativeAddress(b0)), p.ldb(), sb, new DoublePointer(new NativeAddress(a0)), p.lda(), sa,
                        zeroD, new DoublePointer(new NativeAddress(c0)), p.ldc(), sc, p.batch()),
                        "cublasDgemmStridedBatched");
            }
            return;
        }
        for (int i = 0; i < p.batch(); i++) {
            long ai = a + p.aOffsets()[i] * e;
            long bi = b + p.bOffsets()[i] * e;
            long ci = c + p.cOffsets()[i] * e;
            if (t == DType.FLOAT32) {
                check(cublas.cublasSgemm_v2(h, opB, opA, p.n(), p.m(), p.k(), oneF,
                        new FloatPointer(new NativeAddress(bi)), p.ldb(), new FloatPointer(new NativeAddress(ai)), p.lda(),
                        zeroF, new FloatPointer(new NativeAddress(ci)), p.ldc()), "cublasSgemm");
            } else {
                check(cublas.cublasDgemm_v2(h, opB, opA, p.n(), p.m(), p.k(), oneD,
                        new DoublePointer(new NativeAddress(bi)), p.ldb(), new DoublePointer(new NativeAddress(ai)), p.lda(),
                        zeroD, new DoublePointer(new NativeAddress(ci)), p.ldc()), "cublasDgemm");
            }
        }
    }

    private cublasContext handle() {
        if (handle == null) {
            cublasContext h = new cublasContext();
            check(cublas.cublasCreate_v2(h), "cublasCreate");
            check(cublas.cublasSetStream_v2(h, context.stream()), "cublasSetStream");
            check(cublas.cublasSetMathMode(h, TF32 ? cublas.CUBLAS_TF32_TENSOR_OP_MATH : cublas.CUBLAS_DEFAULT_MATH),
                    "cublasSetMathMode");
            handle = h;
        }
        return handle;
    }

    /** Throws naming the call when cuBLAS does not return success. */
    static void check(int status, String call) {
        if (status != cublas.CUBLAS_STATUS_SUCCESS) {
            throw new CudaException(call + " failed: cuBLAS status " + status);
        }
    }
}
