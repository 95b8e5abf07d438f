package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.NormRules;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.PoolingRules;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The checks the pooling and normalisation ops make before any launch, on host tensors (only
 * shapes and dtypes matter to them): what passes, what fails, and that the message names the op.
 */
class PoolNormChecksTest {
    private static Tensor f32(int... shape) {
        return Tensor.zeros(DType.FLOAT32, shape);
    }

    private static void refused(String op, Executable check) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, check);
        assertTrue(e.getMessage().startsWith(op + ": "), e.getMessage());
    }

    @Test
    void aHostTensorIsRefusedBeforeItsAddressIsTaken() {
        refused("maxPool2d", () -> OperandChecks.requireOnDevice(f32(1, 1, 2, 2), "input", "maxPool2d"));
        refused("maxPool2d", () -> OperandChecks.requireOnDevice(null, "input", "maxPool2d"));
        assertDoesNotThrow(() -> OperandChecks.requireOnDeviceIfPresent(null, "weight", "batchNorm"));
    }

    @Test
    void poolingNeedsAFloatingNchwInputTheWindowFits() {
        Pool2dSpec stem = Pool2dSpec.of(3, 2, 1);
        assertDoesNotThrow(() -> PoolingRules.requireNchw(f32(2, 3, 8, 8), "input", "maxPool2d"));
        assertDoesNotThrow(() -> PoolingRules.requireFits(f32(2, 3, 1, 1), stem, "maxPool2d"), "1 + 2·1 >= 3");
        refused("maxPool2d", () -> PoolingRules.requireNchw(f32(3, 8, 8), "input", "maxPool2d"));
        refused("maxPool2d", () -> PoolingRules.requireNchw(Tensor.zeros(DType.INT64, 1, 1, 2, 2), "input", "maxPool2d"));
        refused("avgPool2d", () -> PoolingRules.requireFits(f32(1, 1, 2, 8), Pool2dSpec.of(3, 1, 0), "avgPool2d"));
        refused("avgPool2d", () -> PoolingRules.requireFits(f32(1, 1, 8, 8), null, "avgPool2d"));
    }

    @Test
    void poolingBackwardNeedsTheInputShapeAndAGradientOfTheOutputShape() {
        Pool2dSpec stem = Pool2dSpec.of(3, 2, 1);
        int[] in = {2, 3, 7, 7};
        Tensor g = f32(2, 3, 4, 4); // (7 + 2 − 3) / 2 + 1
        assertDoesNotThrow(() -> PoolingRules.requireBackward(g, in, stem, "avgPool2dBackward"));
        refused("avgPool2dBackward", () -> PoolingRules.requireBackward(f32(2, 3, 3, 4), in, stem, "avgPool2dBackward"));
        refused("avgPool2dBackward", () -> PoolingRules.requireBackward(g, new int[] {2, 4, 7, 7}, stem,
                "avgPool2dBackward"));
        refused("avgPool2dBackward", () -> PoolingRules.requireBackward(g, new int[] {2, 3, 7}, stem,
                "avgPool2dBackward"));
        refused("maxPool2dBackward", () -> PoolingRules.requireInputShape(null, g, "maxPool2dBackward"));
        refused("maxPool2dBackward", () -> PoolingRules.requireInputShape(new int[] {2, 3, 0, 7}, g,
                "maxPool2dBackward"));
        assertDoesNotThrow(() -> PoolingRules.requireIndices(Tensor.zeros(DType.INT64, 2, 3, 4, 4), g, "maxPool2dBackward"));
        refused("maxPool2dBackward", () -> PoolingRules.requireIndices(Tensor.zeros(DType.INT32, 2, 3, 4, 4), g,
                "maxPool2dBackward"));
        refused("maxPool2dBackward", () -> PoolingRules.requireIndices(Tensor.zeros(DType.INT64, 2, 3, 4, 3), g,
                "maxPool2dBackward"));
    }

    @Test
    void adaptivePoolingNeedsNonEmptyGrids() {
        assertDoesNotThrow(() -> PoolingRules.requireAdaptive(7, 7, 3, 3, "adaptiveAvgPool2d"));
        assertDoesNotThrow(() -> PoolingRules.requireAdaptive(2, 2, 5, 5, "adaptiveAvgPool2d"), "upsampling windows");
        refused("adaptiveAvgPool2d", () -> PoolingRules.requireAdaptive(7, 7, 0, 3, "adaptiveAvgPool2d"));
        refused("adaptiveAvgPool2d", () -> PoolingRules.requireAdaptive(0, 7, 1, 1, "adaptiveAvgPool2d"));
        refused("adaptiveAvgPool2dBackward", () -> PoolingRules.requireOutputGrid(f32(1, 1, 0, 2),
                "adaptiveAvgPool2dBackward"));
    }

    @Test
    void batchNormSeesAnyRankFromTwoAsChannelsOfNTimesSpatialValues() {
        NormChecks.ChannelLayout l = NormChecks.batchNormInput(f32(4, 3, 5, 6), "batchNorm");
        assertEquals(new NormChecks.ChannelLayout(4, 3, 30), l);
        assertEquals(120, l.perChannel());
        assertEquals(new NormChecks.ChannelLayout(8, 5, 1), NormChecks.batchNormInput(f32(8, 5), "batchNorm"));
        assertEquals(new NormChecks.ChannelLayout(2, 3, 7), NormChecks.batchNormInput(f32(2, 3, 7), "batchNorm"));
        refused("batchNorm", () -> NormChecks.batchNormInput(f32(8), "batchNorm"));
        refused("batchNorm", () -> NormChecks.batchNormInput(Tensor.zeros(DType.INT32, 2, 2), "batchNorm"));
    }

    @Test
    void batchNormParametersAreOptionalButMustHaveOneValuePerChannel() {
        assertDoesNotThrow(() -> NormRules.requirePerChannel(null, 3, "weight", "batchNorm"));
        assertDoesNotThrow(() -> NormRules.requirePerChannel(Tensor.zeros(DType.FLOAT64, 3), 3, "weight", "batchNorm"));
        refused("batchNorm", () -> NormRules.requirePerChannel(f32(4), 3, "bias", "batchNorm"));
        refused("batchNorm", () -> NormRules.requirePerChannel(f32(3, 1), 3, "runningVar", "batchNorm"));
        refused("batchNorm", () -> NormRules.requireBatchStatistics(new NormChecks.ChannelLayout(1, 3, 1).perChannel(), f32(1, 3),
                "batchNorm"));
        assertDoesNotThrow(() -> NormRules.requireBatchStatistics(new NormChecks.ChannelLayout(1, 3, 2).perChannel(), f32(1, 3, 2),
                "batchNorm"));
        refused("batchNormBackward", () -> NormRules.requireSavedChannelStats(null, f32(3), 3, "batchNormBackward"));
        refused("batchNormBackward", () -> NormRules.requireSavedChannelStats(f32(2), f32(3), 3, "batchNormBackward"));
        refused("batchNormBackward", () -> NormRules.requireLike(Tensor.zeros(DType.FLOAT64, 2, 3), f32(2, 3),
                "batchNormBackward"));
        refused("batchNormBackward", () -> NormRules.requireLike(f32(3, 2), f32(2, 3), "batchNormBackward"));
    }

    @Test
    void layerNormRowsSpanTheLastNormDimsAndTheStatisticsKeepTheRest() {
        Tensor x = f32(2, 3, 4, 5);
        assertEquals(5, NormRules.rowLength(x, 1, "layerNorm"));
        assertEquals(20, NormRules.rowLength(x, 2, "layerNorm"));
        assertEquals(120, NormRules.rowLength(x, 4, "layerNorm"));
        assertEquals(6, NormChecks.rows(x, 20));
        assertEquals(0, NormChecks.rows(f32(2, 0), 0));
        assertArrayEquals(new int[] {2, 3, 1, 1}, NormRules.statShape(x.shape(), 2));
        assertArrayEquals(new int[] {2, 3, 4, 5}, x.shape(), "the input's shape is left alone");
        refused("layerNorm", () -> NormRules.rowLength(x, 0, "layerNorm"));
        refused("layerNorm", () -> NormRules.rowLength(x, 5, "layerNorm"));
        assertDoesNotThrow(() -> NormRules.requireAffine(f32(4, 5), x, 2, "weight", "layerNorm"));
        assertDoesNotThrow(() -> NormRules.requireAffine(null, x, 2, "bias", "layerNorm"));
        refused("layerNorm", () -> NormRules.requireAffine(f32(20), x, 2, "weight", "layerNorm"));
        assertDoesNotThrow(() -> NormRules.requireSavedRowStat(f32(2, 3, 1, 1), 6, "mean", "layerNormBackward"));
        assertDoesNotThrow(() -> NormRules.requireSavedRowStat(f32(6), 6, "mean", "layerNormBackward"));
        refused("layerNormBackward", () -> NormRules.requireSavedRowStat(f32(5), 6, "invStd", "layerNormBackward"));
        refused("layerNormBackward", () -> NormRules.requireSavedRowStat(null, 6, "invStd", "layerNormBackward"));
    }
}
