package dev.lethe.unlearn.analytic;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * Ridge regression in float64 kept as the pair (R, W) and updated recursively, one batch at a
 * time, in both directions (UNLEARNING.md, acu). For the samples (X, Y) learned so far, with
 * γ &gt; 0 and one-hot targets Y,
 * <pre>
 *   R = (XᵀX + γI)⁻¹ ∈ ℝ^{d×d},   W = R XᵀY ∈ ℝ^{d×K},
 * </pre>
 * starting from R₀ = I/γ and W₀ = 0 (nothing learned). Both updates are Woodbury identities on
 * R⁻¹ = XᵀX + γI:
 * <ul>
 * <li>learning a batch (X_k, Y_k): {@code K = (I + X_k R X_kᵀ)⁻¹;  R ← R − R X_kᵀ K X_k R;
 *     W ← W + R X_kᵀ (Y_k − X_k W)};</li>
 * <li>unlearning a batch of learned samples (X_u, Y_u), with no other data:
 *     {@code K = (I − X_u R X_uᵀ)⁻¹;  R ← R + R X_uᵀ K X_u R;  W ← W − R X_uᵀ (Y_u − X_u W)},</li>
 * </ul>
 * R being the updated one in the W steps. The result equals the closed form on what remains, for
 * any batch split and any sequence of requests, up to round-off.
 *
 * <p>Numerics: K is never formed. The b×b system is solved for the gain G = K·X R by a Cholesky
 * factorisation, the system being symmetric positive-definite in both directions: I + X R Xᵀ ⪰ I,
 * and the eigenvalues of I − X_u R X_uᵀ are 1 minus leverages that γ &gt; 0 keeps below 1, so a
 * failed factorisation means the samples were not all learned and is reported as such. (LU is
 * not an option: OpenBLAS's threaded {@code dgesv} needs more stack than a JVM thread has by
 * default once b reaches a few hundred.) The
 * updated R times Xᵀ is exactly Gᵀ: (R ∓ R Xᵀ K X R) Xᵀ = R Xᵀ K (K⁻¹ ∓ X R Xᵀ) = R Xᵀ K, and
 * R Xᵀ K = (K X R)ᵀ as K and R are symmetric; so the W step costs O(b·d·K) instead of another
 * O(d²·b) product. R is symmetrised after each update, (R + Rᵀ)/2, so round-off cannot drift it
 * away from symmetry over many updates.
 *
 * <p>Memory: R and W are owned by this object (outside every {@link MemoryScope}) and freed by
 * {@link #close()}; temporaries of an update live in a scope of their own.
 */
public final class RecursiveRidge implements AutoCloseable {
    /** The largest d whose d×d matrix R a tensor can index (d² &lt; 2³¹). */
    public static final int MAX_DIMENSION = 46_340;

    private final int d;
    private final int classes;
    private final double gamma;
    private final Tensor r;
    private final Tensor w;

    /**
     * Nothing learned yet: R = I/γ, W = 0.
     *
     * @param d       the feature dimension (the buffer size)
     * @param classes K, the number of target columns
     * @param gamma   the ridge penalty γ &gt; 0
     */
    public RecursiveRidge(int d, int classes, double gamma) {
        this(checkedSizes(d, classes, gamma), classes, gamma,
                MemoryScope.detach(scaledIdentity(d, 1 / gamma)),
                MemoryScope.detach(Tensor.zeros(DType.FLOAT64, d, classes)));
    }

    private RecursiveRidge(int d, int classes, double gamma, Tensor r, Tensor w) {
        this.d = d;
        this.classes = classes;
        this.gamma = gamma;
        this.r = r;
        this.w = w;
    }

    /**
     * A state restored from R [d, d] and W [d, K] (float64, contiguous, e.g. read from a
     * checkpoint). The tensors are taken, not copied: they leave every memory scope and this
     * object frees them on {@link #close()}.
     */
    public static RecursiveRidge restore(Tensor r, Tensor w, double gamma) {
        requireMatrix(r, "R");
        requireMatrix(w, "W");
        int d = r.size(0);
        if (r.size(1) != d || w.size(0) != d) {
            throw new IllegalArgumentException("ridge state: R must be [d, d] and W [d, K], got R "
                    + Shape.str(r.shape()) + " and W " + Shape.str(w.shape()));
        }
        checkedSizes(d, w.size(1), gamma);
        return new RecursiveRidge(d, w.size(1), gamma, MemoryScope.detach(r), MemoryScope.detach(w));
    }

    /** Checks d, K and γ as the constructor does; returns d. */
    static int checkedSizes(int d, int classes, double gamma) {
        if (d < 1 || d > MAX_DIMENSION || classes < 1) {
            throw new IllegalArgumentException("ridge regression needs 1 <= d <= " + MAX_DIMENSION
                    + " and classes >= 1, got d = " + d + ", classes = " + classes);
        }
        if (!(gamma > 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("the ridge penalty gamma must be a finite number > 0, got " + gamma);
        }
        return d;
    }

    private static Tensor scaledIdentity(int n, double value) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = value;
        }
        return Tensor.of(v, n, n);
    }

    private static void requireMatrix(Tensor t, String name) {
        if (t.dtype() != DType.FLOAT64 || t.rank() != 2 || !t.isContiguous()) {
            throw new IllegalArgumentException("ridge state: " + name + " must be a contiguous float64 matrix, got "
                    + t.dtype() + " " + Shape.str(t.shape()) + (t.isContiguous() ? "" : " (strided)"));
        }
    }

    /** Learns the samples X [b, d] with targets Y [b, K] (float64): the first update of the class comment. */
    public void learn(Tensor x, Tensor y) {
        update(x, y, +1);
    }

    /**
     * Unlearns the samples X [b, d] with targets Y [b, K] (float64), which must have been learned:
     * the second update of the class comment. Unlearning samples that were never learned does not
     * correspond to any ridge regression (I − X R Xᵀ may then be indefinite or singular).
     */
    public void unlearn(Tensor x, Tensor y) {
        update(x, y, -1);
    }

    /** sign +1: learn, −1: unlearn; the two differ only in the signs the class comment shows. */
    private void update(Tensor x, Tensor y, int sign) {
        String op = sign > 0 ? "learn" : "unlearn";
        int b = checkBatch(x, y, op);
        if (b == 0) {
            return;
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor rxt = r.matmul(x.t());                             // R Xᵀ         [d, b]
            Tensor xrxt = x.matmul(rxt);                              // X R Xᵀ       [b, b]
            Tensor eye = Tensor.eye(b, DType.FLOAT64);
            Tensor system = sign > 0 ? eye.add(xrxt) : eye.sub(xrxt); // I ± X R Xᵀ
            Tensor gain = solve(system, rxt.t(), sign);               // G = K X R    [b, d]
            Tensor change = rxt.matmul(gain);                         // R Xᵀ K X R   [d, d]
            if (sign > 0) {
                r.sub_(change);
            } else {
                r.add_(change);
            }
            symmetrise(r);
            Tensor residual = y.sub(x.matmul(w));                     // Y − X W      [b, K]
            Tensor step = gain.t().matmul(residual);                  // R' Xᵀ (Y − X W)
            if (sign > 0) {
                w.add_(step);
            } else {
                w.sub_(step);
            }
        }
    }

    /** K·rhs for K = system⁻¹ by a Cholesky factorisation (see the class comment); a failure changes nothing. */
    private static Tensor solve(Tensor system, Tensor rhs, int sign) {
        Tensor l;
        try {
            l = system.backend().cholesky(system);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((sign > 0 ? "learn" : "unlearn") + ": I " + (sign > 0 ? "+" : "−")
                    + " X R Xᵀ is not positive-definite (" + e.getMessage() + ")" + (sign > 0 ? ""
                    : "; the samples are not all learned by this state, or removing them is numerically singular"), e);
        }
        return system.backend().choleskySolve(l, rhs);
    }

    /** R ← (R + Rᵀ)/2; a + b = b + a exactly in floating point, so the result is exactly symmetric. */
    private static void symmetrise(Tensor m) {
        Tensor sum = m.add(m.t());
        m.copyFrom_(sum.mul_(0.5));
    }

    private int checkBatch(Tensor x, Tensor y, String op) {
        if (x.dtype() != DType.FLOAT64 || y.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException(op + ": X and Y must be float64, got " + x.dtype() + " and " + y.dtype());
        }
        if (x.rank() != 2 || x.size(1) != d) {
            throw new IllegalArgumentException(op + ": X must be [b, " + d + "], got " + Shape.str(x.shape()));
        }
        if (!Arrays.equals(y.shape(), new int[] {x.size(0), classes})) {
            throw new IllegalArgumentException(op + ": Y must be [" + x.size(0) + ", " + classes + "] for X "
                    + Shape.str(x.shape()) + ", got " + Shape.str(y.shape()));
        }
        return x.size(0);
    }

    /** The weights W [d, K] (the live tensor: read it, do not write it or close it). */
    public Tensor W() {
        return w;
    }

    /** R = (XᵀX + γI)⁻¹ [d, d] (the live tensor: read it, do not write it or close it). */
    public Tensor R() {
        return r;
    }

    /** d, the feature dimension. */
    public int dimension() {
        return d;
    }

    /** K, the number of target columns. */
    public int classes() {
        return classes;
    }

    /** The ridge penalty γ. */
    public double gamma() {
        return gamma;
    }

    /** A deep copy, owning its own R and W. */
    public RecursiveRidge copy() {
        return new RecursiveRidge(d, classes, gamma, MemoryScope.detach(r.copy()), MemoryScope.detach(w.copy()));
    }

    /** Frees R and W now (closing twice is harmless). */
    @Override
    public void close() {
        r.close();
        w.close();
    }
}
