package dev.inlierq.lidar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The three solids against hand-computed rays: distances to the hit, misses, and the incidence cosines that scale
 * the intensity. Rays start 1 m above the ground unless said otherwise.
 */
class RayIntersectionTest {
    private static final double EPS = 1e-9;
    private static final double INF = Double.POSITIVE_INFINITY;

    /** A 4 x 2 x 2 m box centred at (10, 0), heading {@code yaw}. */
    private static OrientedBox box(double yaw) {
        return new OrientedBox(new Footprint(10, 0, 4, 2, yaw), 0, 2, 0, 0.5);
    }

    private static double[] unit(double x, double y, double z) {
        double n = Math.sqrt(x * x + y * y + z * z);
        return new double[] {x / n, y / n, z / n};
    }

    private static double hit(Primitive p, double ox, double oy, double oz, double[] d) {
        return p.intersect(ox, oy, oz, d[0], d[1], d[2]);
    }

    @Test
    void aBoxAlongXIsHitOnItsNearFace() {
        double[] d = unit(1, 0, 0);
        assertEquals(8, hit(box(0), 0, 0, 1, d), EPS);
        assertEquals(1, box(0).cosIncidence(8, 0, 1, d[0], d[1], d[2]), EPS);
        // from inside the box the ray leaves through the far face
        assertEquals(2, hit(box(0), 10, 0, 1, d), EPS);
    }

    @Test
    void aYawedBoxIsHitWhereItsRotatedFacesAre() {
        // turned 90 degrees the box spans x 9..11, y -2..2
        assertEquals(9, hit(box(Math.PI / 2), 0, 0, 1, unit(1, 0, 0)), EPS);
        // a 2*sqrt(2) square turned 45 degrees is a diamond with corners (8, 0), (10, 2), (12, 0), (10, -2):
        // the ray towards (10, 1) meets the edge x - y = 8 at (80/9, 8/9)
        OrientedBox diamond = new OrientedBox(new Footprint(10, 0, 2 * Math.sqrt(2), 2 * Math.sqrt(2), Math.PI / 4),
                0, 2, 0, 0.5);
        double[] d = unit(10, 1, 0);
        double t = hit(diamond, 0, 0, 1, d);
        assertEquals(8 * Math.sqrt(101) / 9, t, EPS);
        // the edge's normal is (1, -1) / sqrt(2)
        assertEquals(Math.abs(d[0] - d[1]) / Math.sqrt(2), diamond.cosIncidence(t * d[0], t * d[1], 1, d[0], d[1],
                d[2]), 1e-9);
    }

    @Test
    void aBoxIsHitOnTopFromAboveAndMissedBesideAndOver() {
        // from 5 m the ray (3, 0, -1) reaches z = 2 at x = 9, on the top face
        double[] down = unit(3, 0, -1);
        double t = hit(box(0), 0, 0, 5, down);
        assertEquals(Math.sqrt(90), t, EPS);
        assertEquals(1 / Math.sqrt(10), box(0).cosIncidence(t * down[0], 0, 5 + t * down[2], down[0], down[1],
                down[2]), EPS);
        assertEquals(INF, hit(box(0), 0, 0, 1, unit(0, 1, 0)), "along +y, beside the box");
        assertEquals(INF, hit(box(0), 0, 0, 1, unit(-1, 0, 0)), "the box is behind the ray");
        assertEquals(INF, hit(box(0), 0, 0, 1, unit(10, 0, 2)), "over the box: z 2.6 to 3.4 above it");
        assertEquals(INF, hit(box(Math.PI / 3), 0, 3, 1, unit(1, 0, 0)), "beside the yawed box");
    }

    @Test
    void aCylinderIsHitOnItsSideAndCap() {
        Cylinder c = new Cylinder(5, 0, 1, 0, 2, 0, 0.5);
        double[] x = unit(1, 0, 0);
        assertEquals(4, hit(c, 0, 0, 1, x), EPS);
        assertEquals(1, c.cosIncidence(4, 0, 1, 1, 0, 0), EPS);
        // 0.5 m off the axis: x = 5 - sqrt(0.75), normal (-sqrt(0.75), 0.5)
        double t = hit(c, 0, 0.5, 1, x);
        assertEquals(5 - Math.sqrt(0.75), t, EPS);
        assertEquals(Math.sqrt(0.75), c.cosIncidence(t, 0.5, 1, 1, 0, 0), EPS);
        // from 5 m the ray (5, 0, -3) reaches z = 2 at the axis: the top cap
        double[] down = unit(5, 0, -3);
        double tc = hit(c, 0, 0, 5, down);
        assertEquals(Math.sqrt(34), tc, EPS);
        assertEquals(3 / Math.sqrt(34), c.cosIncidence(5, 0, 2, down[0], down[1], down[2]), EPS);
        assertEquals(INF, hit(c, 0, 0, 3, x), "above the cylinder");
        assertEquals(INF, hit(c, 0, 1.01, 1, x), "just beside it");
    }

    @Test
    void aSphereIsHitAndMissed() {
        Sphere s = new Sphere(10, 0, 1, 2, 0, 0.5);
        double[] x = unit(1, 0, 0);
        assertEquals(8, hit(s, 0, 0, 1, x), EPS);
        assertEquals(1, s.cosIncidence(8, 0, 1, 1, 0, 0), EPS);
        double t = hit(s, 0, 1, 1, x);
        assertEquals(10 - Math.sqrt(3), t, EPS);
        assertEquals(Math.sqrt(3) / 2, s.cosIncidence(t, 1, 1, 1, 0, 0), EPS);
        assertEquals(INF, hit(s, 0, 2.01, 1, x));
        assertEquals(2, hit(s, 10, 0, 1, x), EPS, "from the centre the ray leaves at the radius");
    }

    @Test
    void footprintsOverlapBySeparatingAxes() {
        Footprint a = new Footprint(0, 0, 4, 2, 0);
        Footprint turned = new Footprint(2.9, 0, 2 * Math.sqrt(2), 2 * Math.sqrt(2), Math.PI / 4);
        // the diamond's left corner is at x = 0.9, inside a (x up to 2)
        assertTrue(a.overlaps(turned));
        assertFalse(a.overlaps(new Footprint(4.1, 0, 2 * Math.sqrt(2), 2 * Math.sqrt(2), Math.PI / 4)));
        // 0.2 m apart: apart until one of them grows by more than that
        assertFalse(a.overlaps(new Footprint(0, 2.2, 4, 2, 0)));
        assertFalse(a.overlaps(new Footprint(0, 2.2, 4, 2, 0).grown(0.15)));
        assertTrue(a.overlaps(new Footprint(0, 2.2, 4, 2, 0).grown(0.25)));
    }
}
