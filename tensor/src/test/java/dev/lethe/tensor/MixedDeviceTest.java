package dev.lethe.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.testing.EmulatedDeviceBackend;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Tensors on two devices: every operation that combines tensors refuses a mix and names both
 * devices, {@code to(device)} and {@code copyFrom_} move data between the host and a device.
 * The device is the emulated {@code test:0}.
 */
class MixedDeviceTest {
    private static final Device TEST = EmulatedDeviceBackend.DEVICE;
    private MemoryScope scope;

    @BeforeEach
    void open() {
        scope = MemoryScope.open();
    }

    @AfterEach
    void close() {
        scope.close();
    }

    private static void refused(String op, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, op);
        assertTrue(e.getMessage().contains("different devices (cpu and test:0)")
                || e.getMessage().contains("different devices (test:0 and cpu)"), op + ": " + e.getMessage());
    }

    @Test
    void theTestDeviceIsFoundLikeAnyBackend() {
        Backend b = Backends.forDevice(TEST);
        assertEquals(TEST, b.device());
        assertTrue(Backends.all().contains(b));
    }

    @Test
    void operationsRefuseTensorsOfTwoDevices() {
        Tensor host = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        Tensor dev = host.to(TEST);
        Tensor index = Tensor.of(new long[] {0, 1}, 2);
        Tensor index2d = Tensor.of(new long[] {0, 1, 1, 0}, 2, 2);
        refused("add", () -> dev.add(host));
        refused("add_", () -> dev.add_(host));
        refused("matmul", () -> dev.matmul(host));
        refused("where", () -> Tensor.where(host.gt(0), dev, dev));
        refused("cat", () -> Tensor.cat(List.of(dev, host), 0));
        refused("gather", () -> dev.gather(1, index2d));
        refused("indexSelect", () -> dev.indexSelect(0, index));
        refused("scatterAdd", () -> dev.copy().scatterAdd_(1, index2d, host));
        refused("indexAdd", () -> dev.copy().indexAdd_(0, index.to(TEST), host));
    }

    @Test
    void dataMovesBetweenTheHostAndTheDevice() {
        Tensor host = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor dev = host.to(TEST);
        assertEquals(TEST, dev.device());
        assertSame(dev, dev.to(TEST), "already there");
        assertArrayEquals(host.toFloatArray(), dev.toFloatArray());
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, dev.add(dev).to(Device.CPU).toFloatArray());

        Tensor target = Tensor.zeros(DType.FLOAT32, 2, 3).to(TEST);
        target.copyFrom_(Tensor.of(new double[] {1, 2, 3}, 3)); // host float64, broadcast
        assertEquals(TEST, target.device());
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, target.toFloatArray());

        Tensor back = Tensor.zeros(DType.FLOAT64, 3, 2);
        back.copyFrom_(dev.t());
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, back.toDoubleArray());
    }
}
