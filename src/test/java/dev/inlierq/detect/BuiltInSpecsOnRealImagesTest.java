package dev.inlierq.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inlierq.detect.image.ImageFolder;
import dev.inlierq.detect.spec.DetectorSpec;
import dev.inlierq.detect.spec.DetectorSpecs;
import dev.inlierq.testing.Shared;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each built-in spec's pre-processing on a real COCO image (skipped without the shared folder). */
class BuiltInSpecsOnRealImagesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // spec, input size, min, max of the tensor values
        "yolox, 416, 0, 255",
        "picodet, 320, -2.1179039, 2.64",
        "fastestdet, 352, 0, 1",
    })
    void firstValImagePreparesToTheModelInput(String name, int size, float min, float max) {
        Path image = ImageFolder.list(Shared.valImages()).images().get(0);
        DetectorSpec spec = DetectorSpecs.resolve(name);
        PreparedImage p = spec.preprocessor().prepare(image);
        assertArrayEquals(new long[] {1, 3, size, size}, p.tensor().shape());
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : p.tensor().data()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        assertTrue(lo >= min - 1e-5 && hi <= max + 1e-5, name + " values in [" + lo + ", " + hi + "]");
        assertTrue(hi - lo > (max - min) / 4, name + " looks like an image, not a constant: [" + lo + ", " + hi + "]");
        // back-mapping sends the input's far corner of the image content to the original's corner
        Preprocessor.Placement placement = spec.preprocessor().placement(p.originalWidth(), p.originalHeight());
        assertEquals(p.originalWidth(), p.transform().toOriginalX(placement.offsetX()
                + p.originalWidth() * p.transform().scaleX()), 1e-6);
        if (name.equals("yolox") && p.originalWidth() != p.originalHeight()) {
            // the letterbox canvas keeps pad 114 at its bottom-right
            float corner = p.tensor().data()[size * size - 1];
            assertEquals(114f, corner);
        }
    }
}
