package dev.inlierq.rounding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The position weights: the mean over channels of the squared slope of ReLU and SiLU. */
class ActivationSlopesTest {
    @Test
    void reluCountsTheChannelsThatPassTheError() {
        // [1 image, 2 channels, 1 x 2]: position 0 open in both channels, position 1 in one of two
        float[] z = {1f, -1f, 2f, 3f};
        assertArrayEquals(new float[] {1f, 0.5f},
                ActivationSlopes.weights(z, new long[] {1, 2, 1, 2}, ActivationSlopes.Kind.RELU), 0f);
    }

    @Test
    void siluSlopeIsSigmoidPlusItsCorrection() {
        // SiLU'(z) = s + z s (1 - s), s = sigmoid(z): 0.5 at 0, about 1.0908 at 2, about -0.0908 at -2
        float[] z = {0f, 2f, -2f};
        double s2 = 1 / (1 + Math.exp(-2));
        double d2 = s2 + 2 * s2 * (1 - s2);
        double dm2 = (1 - s2) - 2 * (1 - s2) * s2;
        assertArrayEquals(new float[] {0.25f, (float) (d2 * d2), (float) (dm2 * dm2)},
                ActivationSlopes.weights(z, new long[] {1, 1, 1, 3}, ActivationSlopes.Kind.SILU), 1e-6f);
        // two images, two channels: each image's positions average its own channels
        float[] two = {0f, 0f, 2f, 2f, -2f, -2f, 0f, 0f};
        assertArrayEquals(new float[] {(float) ((0.25 + d2 * d2) / 2), (float) ((0.25 + d2 * d2) / 2),
                (float) ((dm2 * dm2 + 0.25) / 2), (float) ((dm2 * dm2 + 0.25) / 2)},
                ActivationSlopes.weights(two, new long[] {2, 2, 1, 2}, ActivationSlopes.Kind.SILU), 1e-6f);
    }
}
