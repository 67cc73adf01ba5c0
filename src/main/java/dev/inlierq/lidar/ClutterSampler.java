package dev.inlierq.lidar;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the unlabelled clutter of a scene, none of it overlapping the labelled objects, the ego vehicle or other
 * clutter, so that clutter shares the objects' heights and reflectivities without hiding them from the labels:
 * <ul>
 *   <li>buildings: rows of boxes (8-30 m long, 6-16 m deep, 4-16 m high, gaps of 1-8 m) set 0.5-4 m behind each
 *       sidewalk (each side with probability 0.75), never on a road or sidewalk;</li>
 *   <li>walls and fences: 1-4 thin boxes (4-20 m long, 0.15-0.3 m thick, 0.8-2.2 m high) behind a sidewalk;</li>
 *   <li>poles: a cylinder (radius 0.08-0.18 m, 4-9 m high) every 12-30 m near each kerb;</li>
 *   <li>trees: 2-10, a trunk cylinder (radius 0.12-0.3 m, 1.8-3.2 m high) under a crown sphere (radius 1.2-2.8 m),
 *       on a sidewalk or anywhere off the roads;</li>
 *   <li>bushes: 2-10 spheres (radius 0.4-1.2 m) sunk into the ground, off the roads;</li>
 *   <li>bins and bollards: 2-8 cylinders (radius 0.2-0.4 m, 0.6-1.3 m high) on sidewalks;</li>
 *   <li>benches, kiosks and skips: 1-4 boxes (1-2.5 x 0.5-1.2 m, 0.6-1.6 m high) on sidewalks or off the
 *       roads.</li>
 * </ul>
 */
final class ClutterSampler {
    private static final int ATTEMPTS = 10;

    private final List<Road> roads;
    private final List<Footprint> taken;
    private final double reach;
    private final List<Primitive> out = new ArrayList<>();

    /** {@code taken}: the footprints already placed (extended with the clutter's). */
    ClutterSampler(List<Road> roads, List<Footprint> taken, double reach) {
        this.roads = roads;
        this.taken = taken;
        this.reach = reach;
    }

    List<Primitive> sample(SplittableRandom rng) {
        for (Road road : roads) {
            for (int side = -1; side <= 1; side += 2) {
                if (rng.nextDouble() < 0.75) {
                    buildings(road, side, rng);
                }
                poles(road, side, rng);
            }
        }
        repeat(1 + rng.nextInt(4), () -> wall(rng));
        repeat(2 + rng.nextInt(9), () -> tree(rng));
        repeat(2 + rng.nextInt(9), () -> bush(rng));
        repeat(2 + rng.nextInt(7), () -> bin(rng));
        repeat(1 + rng.nextInt(4), () -> bench(rng));
        return out;
    }

    private static void repeat(int times, Runnable place) {
        for (int i = 0; i < times; i++) {
            place.run();
        }
    }

    private void buildings(Road road, int side, SplittableRandom rng) {
        double setback = LidarClass.uniform(rng, 0.5, 4);
        double edge = road.halfWidth() + road.sidewalk() + setback;
        for (double along = -1.5 * reach; along < 1.5 * reach; ) {
            double length = LidarClass.uniform(rng, 8, 30);
            double depth = LidarClass.uniform(rng, 6, 16);
            double height = LidarClass.uniform(rng, 4, 16);
            double[] c = road.point(along + length / 2, side * (edge + depth / 2));
            Footprint f = new Footprint(c[0], c[1], length, depth, road.angle());
            if (offRoads(f) && near(f, 10)) {
                add(f, new OrientedBox(f, 0, height, Primitive.CLUTTER, LidarClass.uniform(rng, 0.15, 0.7)));
            }
            along += length + LidarClass.uniform(rng, 1, 8);
        }
    }

    private void poles(Road road, int side, SplittableRandom rng) {
        double across = side * (road.halfWidth() + LidarClass.uniform(rng, 0.3, 0.6));
        for (double along = -1.5 * reach + LidarClass.uniform(rng, 0, 30); along < 1.5 * reach; ) {
            double r = LidarClass.uniform(rng, 0.08, 0.18);
            double height = LidarClass.uniform(rng, 4, 9);
            double reflectivity = LidarClass.uniform(rng, 0.3, 0.8);
            double[] c = road.point(along, across);
            Footprint f = new Footprint(c[0], c[1], 2 * r, 2 * r, 0);
            if (near(f, 0) && free(f)) {
                add(f, new Cylinder(c[0], c[1], r, 0, height, Primitive.CLUTTER, reflectivity));
            }
            along += LidarClass.uniform(rng, 12, 30);
        }
    }

    private void wall(SplittableRandom rng) {
        Road road = roads.get(rng.nextInt(roads.size()));
        double side = rng.nextDouble() < 0.5 ? -1 : 1;
        double length = LidarClass.uniform(rng, 4, 20);
        double thickness = LidarClass.uniform(rng, 0.15, 0.3);
        double height = LidarClass.uniform(rng, 0.8, 2.2);
        double reflectivity = LidarClass.uniform(rng, 0.2, 0.6);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double across = side * (road.halfWidth() + road.sidewalk() + LidarClass.uniform(rng, 0.3, 1.5));
            double[] c = road.point(LidarClass.uniform(rng, -1, 1) * reach, across);
            Footprint f = new Footprint(c[0], c[1], length, thickness, road.angle());
            if (offRoads(f) && free(f)) {
                add(f, new OrientedBox(f, 0, height, Primitive.CLUTTER, reflectivity));
                return;
            }
        }
    }

    private void tree(SplittableRandom rng) {
        double trunk = LidarClass.uniform(rng, 0.12, 0.3);
        double trunkHeight = LidarClass.uniform(rng, 1.8, 3.2);
        double crown = LidarClass.uniform(rng, 1.2, 2.8);
        double trunkReflectivity = LidarClass.uniform(rng, 0.15, 0.35);
        double crownReflectivity = LidarClass.uniform(rng, 0.25, 0.5);
        double[] c = spot(rng, rng.nextDouble() < 0.5, 2 * trunk + 0.8);
        if (c != null) {
            add(new Footprint(c[0], c[1], 2 * trunk + 0.8, 2 * trunk + 0.8, 0),
                    new Cylinder(c[0], c[1], trunk, 0, trunkHeight + 0.3 * crown, Primitive.CLUTTER,
                            trunkReflectivity));
            out.add(new Sphere(c[0], c[1], trunkHeight + 0.7 * crown, crown, Primitive.CLUTTER, crownReflectivity));
        }
    }

    private void bush(SplittableRandom rng) {
        double r = LidarClass.uniform(rng, 0.4, 1.2);
        double centreHeight = r * LidarClass.uniform(rng, 0.2, 0.6);
        double reflectivity = LidarClass.uniform(rng, 0.25, 0.5);
        double[] c = spot(rng, false, 2 * r);
        if (c != null) {
            add(new Footprint(c[0], c[1], 2 * r, 2 * r, 0),
                    new Sphere(c[0], c[1], centreHeight, r, Primitive.CLUTTER, reflectivity));
        }
    }

    private void bin(SplittableRandom rng) {
        double r = LidarClass.uniform(rng, 0.2, 0.4);
        double height = LidarClass.uniform(rng, 0.6, 1.3);
        double reflectivity = LidarClass.uniform(rng, 0.2, 0.7);
        double[] c = spot(rng, true, 2 * r);
        if (c != null) {
            add(new Footprint(c[0], c[1], 2 * r, 2 * r, 0),
                    new Cylinder(c[0], c[1], r, 0, height, Primitive.CLUTTER, reflectivity));
        }
    }

    private void bench(SplittableRandom rng) {
        double length = LidarClass.uniform(rng, 1, 2.5);
        double width = LidarClass.uniform(rng, 0.5, 1.2);
        double height = LidarClass.uniform(rng, 0.6, 1.6);
        double reflectivity = LidarClass.uniform(rng, 0.2, 0.6);
        double yaw = LidarClass.uniform(rng, -Math.PI, Math.PI);
        double[] c = spot(rng, rng.nextDouble() < 0.5, Math.hypot(length, width));
        if (c != null) {
            Footprint f = new Footprint(c[0], c[1], length, width, yaw);
            if (free(f)) {
                add(f, new OrientedBox(f, 0, height, Primitive.CLUTTER, reflectivity));
            }
        }
    }

    /**
     * A free spot for something {@code size} metres across: on a sidewalk of a random road ({@code sidewalk}),
     * or anywhere in reach off the roads and sidewalks; null when 10 tries found none.
     */
    private double[] spot(SplittableRandom rng, boolean sidewalk, double size) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double[] c;
            Road road = roads.get(rng.nextInt(roads.size()));
            double side = rng.nextDouble() < 0.5 ? -1 : 1;
            double inward = LidarClass.uniform(rng, 0.2, 0.8) * road.sidewalk();
            double along = LidarClass.uniform(rng, -1, 1) * reach;
            double x = LidarClass.uniform(rng, -1, 1) * reach;
            double y = LidarClass.uniform(rng, -1, 1) * reach;
            c = sidewalk ? road.point(along, side * (road.halfWidth() + inward)) : new double[] {x, y};
            Footprint f = new Footprint(c[0], c[1], size, size, 0);
            if (near(f, 0) && free(f) && (sidewalk || offRoads(f))) {
                return c;
            }
        }
        return null;
    }

    /** Whether the centre lies within reach (grown by {@code margin} metres). */
    private boolean near(Footprint f, double margin) {
        return Math.abs(f.cx()) <= reach + margin && Math.abs(f.cy()) <= reach + margin;
    }

    /** Whether {@code f} overlaps no road or sidewalk and nothing placed. */
    private boolean offRoads(Footprint f) {
        for (Road r : roads) {
            if (f.overlaps(r.band(8 * reach))) {
                return false;
            }
        }
        return free(f);
    }

    private boolean free(Footprint f) {
        return StreetSampler.free(f, taken);
    }

    private void add(Footprint f, Primitive p) {
        taken.add(f);
        out.add(p);
    }
}
