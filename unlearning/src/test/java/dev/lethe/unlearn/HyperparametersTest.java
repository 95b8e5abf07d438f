package dev.lethe.unlearn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Typed, range-checked hyper-parameters. */
class HyperparametersTest {
    @Test
    void defaultsApplyAndGivenValuesWin() {
        Hyperparameters h = Hyperparameters.of(Map.of("alpha", " 5 ", "loss", "L2"));
        assertEquals(5.0, h.positive("alpha", 10));
        assertEquals(1.0, h.positive("lambda", 1));
        assertEquals("l2", h.choice("loss", "ce", "ce", "l2"));
        h.requireAllUsed("ssd");
    }

    @Test
    void outOfRangeValuesAreRejectedWithKeyAndValue() {
        Hyperparameters h = Hyperparameters.of(Map.of("alpha", "0", "ratio", "1.5", "gamma", "-1", "epochs", "x",
                "lr", "nan"));
        assertTrue(assertThrows(InvalidHyperparameterException.class, () -> h.positive("alpha", 10))
                .getMessage().contains("alpha must be > 0, got 0"));
        assertThrows(InvalidHyperparameterException.class, () -> h.fraction("ratio", 0.5));
        assertThrows(InvalidHyperparameterException.class, () -> h.positive("gamma", 0.1));
        assertThrows(InvalidHyperparameterException.class, () -> h.integer("epochs", 10, 1));
        assertThrows(InvalidHyperparameterException.class, () -> h.positive("lr", 0.1));
        assertEquals(1.0, Hyperparameters.of(Map.of("ratio", "1")).fraction("ratio", 0.5));
    }

    @Test
    void unknownKeysAreNamed() {
        Hyperparameters h = Hyperparameters.of(Map.of("alhpa", "3"));
        h.positive("alpha", 10);
        String msg = assertThrows(InvalidHyperparameterException.class, () -> h.requireAllUsed("ssd")).getMessage();
        assertTrue(msg.contains("alhpa") && msg.contains("alpha"), msg);
    }
}
