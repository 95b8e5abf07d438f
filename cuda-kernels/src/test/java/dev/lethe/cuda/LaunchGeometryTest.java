package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Grid and block sizes: covering the work, capped by the device, never an illegal launch. */
class LaunchGeometryTest {

    @Test
    void elementwiseUses256ThreadsAndCapsTheGridAtEightBlocksPerSm() {
        assertEquals(new LaunchGeometry(1, 256, 0), LaunchGeometry.elementwise(1, 132));
        assertEquals(new LaunchGeometry(4, 256, 0), LaunchGeometry.elementwise(1000, 132));
        assertEquals(new LaunchGeometry(132 * 8, 256, 0), LaunchGeometry.elementwise(1L << 40, 132));
        assertNull(LaunchGeometry.elementwise(0, 132), "nothing to launch");
    }

    @Test
    void rowBlocksArePowersOfTwoBetweenOneWarpAnd1024WithADoublePerThread() {
        assertEquals(new LaunchGeometry(64, 32, 256), LaunchGeometry.rows(64, 10, 108));
        assertEquals(new LaunchGeometry(64, 128, 1024), LaunchGeometry.rows(64, 100, 108));
        assertEquals(new LaunchGeometry(3, 1024, 8192), LaunchGeometry.rows(3, 50_000, 108));
        // grid capped at SMs · (2048 / block) · 4 blocks
        assertEquals(108 * 64 * 4, LaunchGeometry.rows(10_000_000, 10, 108).gridX());
        assertNull(LaunchGeometry.rows(0, 10, 108));
    }

    @Test
    void columnTilesTake32ColumnsPerBlockOf8WarpsWithTwoDoublesPerThread() {
        assertEquals(new LaunchGeometry(1, 256, 4096), LaunchGeometry.columnTiles(1, 132));
        assertEquals(new LaunchGeometry(1, 256, 4096), LaunchGeometry.columnTiles(32, 132));
        assertEquals(new LaunchGeometry(2, 256, 4096), LaunchGeometry.columnTiles(33, 132));
        assertEquals(new LaunchGeometry(24, 256, 4096), LaunchGeometry.columnTiles(768, 132));
        assertEquals(132 * 8, LaunchGeometry.columnTiles(1L << 30, 132).gridX(), "capped like elementwise");
        assertNull(LaunchGeometry.columnTiles(0, 132));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.columnTiles(-1, 132));
    }

    @Test
    void badCountsAndGeometriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.elementwise(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.elementwise(10, 0));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.rows(10, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(1, 48, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(1, 2048, 0));
        assertThrows(IllegalArgumentException.class, () -> new LaunchGeometry(0, 256, 0));
    }
}
