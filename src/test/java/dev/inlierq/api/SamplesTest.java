package dev.inlierq.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.inlierq.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/** The mirrored calibration samples: the originals first, then each mirrored left to right, rows kept in place. */
class SamplesTest {
    @Test
    void mirrorsFollowTheOriginals() {
        // two images of one channel, 2 rows x 3 columns each
        float[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        FloatTensor m = Samples.withMirrors(new FloatTensor(new long[] {2, 1, 2, 3}, data));
        assertArrayEquals(new long[] {4, 1, 2, 3}, m.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10},
                m.data());
    }
}
