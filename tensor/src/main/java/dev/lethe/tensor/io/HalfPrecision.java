package dev.lethe.tensor.io;

/**
 * Widening of the two 16-bit floating-point formats checkpoints use into float32; both are
 * exact, since every half and bfloat16 value is representable in float32.
 */
final class HalfPrecision {
    private HalfPrecision() {
    }

    /**
     * IEEE 754 binary16 to binary32. binary16 has 1 sign bit, 5 exponent bits (bias 15) and 10
     * fraction bits; normal numbers re-bias the exponent to 127 and shift the fraction left by 13,
     * subnormals are {@code fraction · 2^-24}, and exponent 31 is infinity (fraction 0) or NaN
     * (the payload is kept in the top fraction bits, so a quiet NaN stays quiet).
     */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int fraction = h & 0x3ff;
        if (exponent == 0) {
            // Zero or subnormal: fraction * 2^-24 is exact in float32 (at most 10 significant bits).
            float magnitude = fraction * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (fraction << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (fraction << 13));
    }

    /** bfloat16 to binary32: bfloat16 is the upper half of a float32, so the widening is a shift. */
    static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
