package dev.inlierq.lidar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The defaults, the round trip through {@code toBuilder}, and one clear message per value out of range. */
class LidarConfigTest {
    private static void refused(Runnable set, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, set::run);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void defaultsAndRoundTrip() {
        LidarConfig c = LidarConfig.builder().build();
        assertEquals(0, c.seed());
        assertEquals(2000, c.trainScenes());
        assertEquals(300, c.valScenes());
        assertEquals(320, c.cells());
        assertEquals(0.25, c.cellSize());
        assertEquals(40, c.halfExtent());
        assertEquals(LidarSensor.DEFAULT, c.sensor());
        assertEquals(5, c.minPoints());
        assertTrue(c.distractors());
        assertEquals(false, c.pointsOut());
        LidarConfig changed = c.toBuilder().seed(3).beams(64).elevation(-30, 10).maxRange(100).build();
        assertEquals(changed, changed.toBuilder().build());
        assertEquals(64, changed.sensor().beams());
        assertEquals(-30, changed.sensor().minElevation());
        assertEquals(c.sensor().azimuthSteps(), changed.sensor().azimuthSteps());
    }

    @Test
    void valuesOutOfRangeAreRefusedByName() {
        LidarConfig.Builder b = LidarConfig.builder();
        refused(() -> b.cells(100), "multiple of 32");
        refused(() -> b.cells(32), "cells");
        refused(() -> b.cellSize(0), "cell size");
        refused(() -> b.beams(1), "beams");
        refused(() -> b.azimuthSteps(10), "azimuth steps");
        refused(() -> b.elevation(3, -25), "elevation");
        refused(() -> b.sensorHeight(9), "sensor height");
        refused(() -> b.maxRange(1), "max range");
        refused(() -> b.rangeNoise(-1), "range noise");
        refused(() -> b.dropout(1), "dropout");
        refused(() -> b.minPoints(0), "min points");
        refused(() -> b.trainScenes(-1), "training scene count");
        refused(() -> b.threads(0), "threads");
        refused(() -> b.trainScenes(0).valScenes(0).build(), "both 0");
    }
}
