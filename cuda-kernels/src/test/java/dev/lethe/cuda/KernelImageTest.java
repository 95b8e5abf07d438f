package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The fatbin nvcc built is on the class path and holds every kernel the host will look up. */
class KernelImageTest {

    @Test
    void theFatbinHasItsMagicAndEveryKernelName() {
        assumeTrue(KernelImage.isPresent(), "built without nvcc: no fatbin to check");
        byte[] image = KernelImage.read();
        // fatbinary wrapper magic 0xBA55ED50, little-endian
        assertEquals(0x50, image[0] & 0xff);
        assertEquals(0xED, image[1] & 0xff);
        assertEquals(0x55, image[2] & 0xff);
        assertEquals(0xBA, image[3] & 0xff);
        String text = new String(image, StandardCharsets.ISO_8859_1);
        for (String name : KernelNames.all()) {
            assertTrue(text.contains(name + '\0'), "kernel " + name + " is missing from the fatbin");
        }
    }
}
