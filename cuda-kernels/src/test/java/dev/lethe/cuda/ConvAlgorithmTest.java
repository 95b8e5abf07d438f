package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The choice among cuDNN's ranked algorithms, the math type, and the per-shape cache. */
class ConvAlgorithmTest {
    private static final int OK = ConvAlgorithm.STATUS_SUCCESS;
    private static final int NOT_SUPPORTED = 3000;
    private static final int FMA = ConvAlgorithm.FMA_MATH;
    private static final int TENSOR_OP = ConvAlgorithm.TENSOR_OP_MATH;

    @Test
    void mathTypeKeepsTf32OffUnlessAskedFor() {
        assertEquals(ConvAlgorithm.FMA_MATH, ConvAlgorithm.mathType(true, false));
        assertEquals(ConvAlgorithm.DEFAULT_MATH, ConvAlgorithm.mathType(true, true));
        assertEquals(ConvAlgorithm.DEFAULT_MATH, ConvAlgorithm.mathType(false, false));
    }

    @Test
    void cudnnConstantsAreTheOnesThisClassUses() {
        assertEquals(org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_SUCCESS, ConvAlgorithm.STATUS_SUCCESS);
        assertEquals(org.bytedeco.cuda.global.cudnn.CUDNN_DEFAULT_MATH, ConvAlgorithm.DEFAULT_MATH);
        assertEquals(org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH, ConvAlgorithm.TENSOR_OP_MATH);
        assertEquals(org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION,
                ConvAlgorithm.TENSOR_OP_MATH_ALLOW_CONVERSION);
        assertEquals(org.bytedeco.cuda.global.cudnn.CUDNN_FMA_MATH, ConvAlgorithm.FMA_MATH);
    }

    @Test
    void picksTheFirstUsableWithinTheWorkspaceLimit() {
        List<ConvAlgorithm.Candidate> ranked = List.of(
                new ConvAlgorithm.Candidate(6, NOT_SUPPORTED, 0, FMA),
                new ConvAlgorithm.Candidate(5, OK, 0, TENSOR_OP),
                new ConvAlgorithm.Candidate(4, OK, 5000, FMA),
                new ConvAlgorithm.Candidate(1, OK, 100, FMA),
                new ConvAlgorithm.Candidate(0, OK, 0, FMA));
        assertEquals(1, ConvAlgorithm.pick(ranked, FMA, 1000).algo(), "unsupported, tensor-op and too large passed over");
        assertEquals(5, ConvAlgorithm.pick(ranked, ConvAlgorithm.DEFAULT_MATH, 1000).algo(), "tensor ops allowed");
        assertEquals(4, ConvAlgorithm.pick(ranked, FMA, 5000).algo());
    }

    @Test
    void fallsBackToTheLeanestWhenAllExceedTheLimit() {
        List<ConvAlgorithm.Candidate> ranked = List.of(
                new ConvAlgorithm.Candidate(2, OK, 9000, FMA),
                new ConvAlgorithm.Candidate(3, OK, 7000, FMA),
                new ConvAlgorithm.Candidate(7, OK, 8000, FMA));
        assertEquals(3, ConvAlgorithm.pick(ranked, FMA, 1000).algo());
        assertNull(ConvAlgorithm.pick(List.of(new ConvAlgorithm.Candidate(2, NOT_SUPPORTED, 0, FMA)), FMA, 1000));
        assertNull(ConvAlgorithm.pick(List.of(), FMA, 1000));
    }

    @Test
    void cachePlansEachKeyOnce() {
        ConvAlgorithmCache cache = new ConvAlgorithmCache();
        AtomicInteger chosen = new AtomicInteger();
        ConvPlanKey a = ConvPlanKey.forward(DType.FLOAT32, new int[] {2, 3, 8, 8}, DType.FLOAT32, new int[] {4, 3, 3, 3},
                null, null, Conv2dSpec.of(1, 1, 1));
        ConvPlanKey sameShape = ConvPlanKey.forward(DType.FLOAT32, new int[] {2, 3, 8, 8}, DType.FLOAT32,
                new int[] {4, 3, 3, 3}, null, null, Conv2dSpec.of(1, 1, 1));
        ConvPlanKey other = ConvPlanKey.backwardData(DType.FLOAT32, a.outputShape(), DType.FLOAT32, a.weightShape(),
                a.inputShape(), a.spec());
        long plannedBefore = ConvAlgorithmCache.totalPlanned();
        long reusedBefore = ConvAlgorithmCache.totalReused();
        ConvAlgorithm first = cache.get(a, k -> new ConvAlgorithm(chosen.incrementAndGet(), 64, FMA));
        ConvAlgorithm second = cache.get(sameShape, k -> new ConvAlgorithm(chosen.incrementAndGet(), 64, FMA));
        cache.get(other, k -> new ConvAlgorithm(chosen.incrementAndGet(), 0, FMA));
        assertSame(first, second);
        assertEquals(2, chosen.get());
        assertEquals(1, cache.hits());
        assertEquals(2, cache.misses());
        assertEquals(2, cache.size());
        assertEquals(2, ConvAlgorithmCache.totalPlanned() - plannedBefore);
        assertEquals(1, ConvAlgorithmCache.totalReused() - reusedBefore);
    }
}
