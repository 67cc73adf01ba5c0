package dev.inlierq.recon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LossCurveTest {
    @Test
    void segmentsAndTenthsAreMeansOfTheSteps() {
        double[] steps = new double[40];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = i;
        }
        LossCurve c = LossCurve.of(steps);
        assertEquals(1.5, c.first(), 1e-12); // mean of 0..3
        assertEquals(37.5, c.last(), 1e-12); // mean of 36..39
        assertEquals(20, c.points().length);
        assertEquals(0.5, c.points()[0], 1e-12);
        assertEquals(38.5, c.points()[19], 1e-12);
    }

    @Test
    void fewStepsGiveOnePointEachAndNoStepsNothing() {
        assertArrayEquals(new double[] {3, 1, 2}, LossCurve.of(new double[] {3, 1, 2}).points());
        assertEquals(0, LossCurve.of(new double[0]).points().length);
        assertTrue(Double.isNaN(LossCurve.of(new double[0]).first()));
    }
}
