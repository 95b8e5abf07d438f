package dev.lethe.tensor;

/**
 * The element types a {@link Tensor} can hold.
 *
 * <p>FLOAT32 is the working type of everything; FLOAT64 serves reductions that need it, the
 * analytic solver and test references; INT32/INT64 hold labels and indices. Mixed-type binary
 * operations promote to the later type in declaration order, as PyTorch does
 * (int32 &lt; int64 &lt; float32 &lt; float64).
 */
public enum DType {
    INT32(4, "I32"),
    INT64(8, "I64"),
    FLOAT32(4, "F32"),
    FLOAT64(8, "F64");

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes one element occupies. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype's name in a safetensors header ({@code F32}, {@code I64}, ...). */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** True for FLOAT32 and FLOAT64. */
    public boolean isFloating() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The type both operands of a binary operation are computed in. */
    public static DType promote(DType a, DType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** Lower-case name as printed in messages: {@code float32}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
