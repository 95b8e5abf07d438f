package dev.lethe.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The example in README.md, kept compiling and checked by hand-computed numbers. */
class ReadmeExampleTest {

    @Test
    void readmeExample() {
        Variable x = Variable.constant(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Variable w = Variable.parameter(Tensor.of(new float[] {0.5f, -1, 0, 1, -0.5f, 0}, 3, 2));
        Variable loss = x.matmul(w).relu().sum();   // relu([[-1, 1], [-1, 1]]) summed
        loss.backward();
        System.out.println(loss.value());            // Tensor[] float32 [2.000]
        System.out.println(w.grad());                // Tensor[3, 2] float32 [0.000, 5.000, 0.000, 7.000, 0.000, 9.000]

        assertEquals(2.0, loss.item());
        assertArrayEquals(new float[] {0, 5, 0, 7, 0, 9}, w.grad().toFloatArray());
    }
}
