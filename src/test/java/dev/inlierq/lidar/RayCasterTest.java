package dev.inlierq.lidar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The simulated sweep on hand-made scenes: the ground rings where the beam geometry puts them, the Lambertian
 * intensity, the range limit, dropout, and occlusion (an object behind a wall gets no return and no label).
 */
class RayCasterTest {
    /** Exact returns: no range noise, no dropout. */
    private static final LidarConfig EXACT = LidarConfig.builder().rangeNoise(0).dropout(0).build();
    private static final Ground PLAIN = new Ground(List.of(), 0.1, 0.8, 0.3, 0.3);

    @Test
    void anEmptySceneGivesGroundRingsWithinRange() {
        PointCloud cloud = new RayCaster(EXACT.sensor()).scan(new LidarScene(PLAIN, List.of(), List.of()),
                new SplittableRandom(1));
        // beam b points at -25 + 28 b / 31 degrees; the ground lies within 70 m for b <= 26 (-1.52 degrees:
        // 1.8 / tan(1.52) = 67.8 m; beam 27 at -0.61 degrees would reach it at 169 m)
        assertEquals(27 * 1024, cloud.size());
        // firing order: azimuth 0 first, lowest beam first, at 1.8 / tan(25 degrees) m along +x
        assertEquals(1.8 / Math.tan(Math.toRadians(25)), cloud.x()[0], 1e-5);
        assertEquals(0, cloud.y()[0], 1e-6);
        assertEquals(0, cloud.z()[0], 1e-5);
        // the next azimuth, 360 / 1024 degrees further counter-clockwise
        double phi = 2 * Math.PI / 1024;
        assertEquals(Math.atan2(cloud.y()[27], cloud.x()[27]), phi, 1e-6);
        // intensity: terrain 0.3 x |cos| of the incidence on a horizontal ground = sin(25 degrees), noise sd 0.02
        double mean = 0;
        for (int i = 0; i < cloud.size(); i += 27) {
            mean += cloud.intensity()[i] / 1024;
        }
        assertEquals(0.3 * Math.sin(Math.toRadians(25)), mean, 0.004);
        for (int o : cloud.owner()) {
            assertEquals(Primitive.CLUTTER, o);
        }
    }

    @Test
    void dropoutAndRangeNoiseFollowTheSettings() {
        LidarConfig noisy = EXACT.toBuilder().dropout(0.3).rangeNoise(0.1).build();
        PointCloud cloud = new RayCaster(noisy.sensor()).scan(new LidarScene(PLAIN, List.of(), List.of()),
                new SplittableRandom(2));
        assertEquals(0.7 * 27 * 1024, cloud.size(), 27 * 1024 * 0.02);
        // the noise moves a point along its ray: on the lowest beam the height error is -0.1 sd x sin(25 degrees)
        double sumSquares = 0;
        int n = 0;
        for (int i = 0; i < cloud.size(); i++) {
            double range = Math.hypot(cloud.x()[i], cloud.y()[i]);
            if (range < 4) {
                sumSquares += cloud.z()[i] * cloud.z()[i];
                n++;
            }
        }
        assertEquals(0.1 * Math.sin(Math.toRadians(25)), Math.sqrt(sumSquares / n), 0.006);
    }

    @Test
    void anObjectBehindAWallGetsNoReturnAndNoLabel() {
        // a car 20 m ahead behind a 4 m high, 8 m wide wall at 10 m; another car 20 m behind, in the open
        LabelledObject hidden = new LabelledObject(LidarClass.CAR, new Footprint(20, 0, 4.5, 1.8, 0), 1.5, 0.5);
        LabelledObject open = new LabelledObject(LidarClass.CAR, new Footprint(-20, 0, 4.5, 1.8, 0), 1.5, 0.5);
        Primitive wall = new OrientedBox(new Footprint(10, 0, 0.3, 8, 0), 0, 4, Primitive.CLUTTER, 0.4);
        LidarScene scene = new LidarScene(PLAIN, List.of(hidden, open), List.of(wall));
        LidarFrame frame = LidarDataset.render(scene, EXACT, new SplittableRandom(3));
        assertEquals(1, frame.boxes().size());
        assertEquals(1, frame.hidden(), "the car behind the wall is not labelled");
        LidarBox seen = frame.boxes().get(0);
        assertTrue(seen.numPoints() >= 50, "the open car: " + seen);
        // no return lies beyond the wall within its shadow (|y| < 3.5 at x > 10.2)
        for (int i = 0; i < frame.points(); i++) {
            boolean shadow = frame.x()[i] > 10.2 && Math.abs(frame.y()[i]) < 3.5;
            assertTrue(!shadow, "a return at " + frame.x()[i] + ", " + frame.y()[i]);
        }
        // without the wall both cars are labelled
        LidarFrame clear = LidarDataset.render(new LidarScene(PLAIN, List.of(hidden, open), List.of()), EXACT,
                new SplittableRandom(3));
        assertEquals(2, clear.boxes().size());
    }

    @Test
    void anOpenCarIsLabelledWithItsFootprintInPixels() {
        // a car 20 m behind the sensor, heading +y: its footprint spans x -20.9..-19.1, y -2.25..2.25
        LabelledObject car = new LabelledObject(LidarClass.CAR, new Footprint(-20, 0, 4.5, 1.8, Math.PI / 2), 1.5,
                0.5);
        LidarFrame frame = LidarDataset.render(new LidarScene(PLAIN, List.of(car), List.of()), EXACT,
                new SplittableRandom(4));
        LidarBox b = frame.boxes().get(0);
        // half = 40 m, 0.25 m cells: u = (x + 40) * 4, v = (40 - y) * 4
        assertEquals(76.4, b.x(), 1e-9);
        assertEquals(151, b.y(), 1e-9);
        assertEquals(7.2, b.w(), 1e-9);
        assertEquals(18, b.h(), 1e-9);
        assertEquals(new LidarBox.Rotated(80, 160, 18, 7.2, 1.5708), b.rotated());
        assertEquals(0.75, b.z());
        assertEquals(1.5, b.height());
        assertEquals(LidarClass.CAR, b.cls());
        long onCar = java.util.Arrays.stream(frame.pointBox()).filter(k -> k == 0).count();
        assertEquals(b.numPoints(), onCar);
    }

    @Test
    void returnsBeyondMaxRangeAreDropped() {
        LidarConfig shortRange = EXACT.toBuilder().maxRange(10).build();
        Primitive far = new OrientedBox(new Footprint(30, 0, 2, 20, 0), 0, 10, Primitive.CLUTTER, 0.5);
        PointCloud cloud = new RayCaster(shortRange.sensor()).scan(new LidarScene(PLAIN, List.of(), List.of(far)),
                new SplittableRandom(5));
        for (int i = 0; i < cloud.size(); i++) {
            double r = Math.sqrt(cloud.x()[i] * cloud.x()[i] + cloud.y()[i] * cloud.y()[i]
                    + (cloud.z()[i] - 1.8) * (cloud.z()[i] - 1.8));
            assertTrue(r <= 10 + 1e-4, "range " + r);
        }
        assertTrue(cloud.size() > 0);
    }
}
