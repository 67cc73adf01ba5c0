package dev.inlierq.lidar;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws a random street scene from a scene's random stream: the roads, the labelled objects, then (with
 * distractors on) the clutter ({@link ClutterSampler}).
 *
 * <p>Roads: the sensor rides in a right-hand lane of a first road heading within +-14 degrees of +x (1 lane
 * each way with probability 0.6, else 2; lanes 3.0-3.7 m; sidewalks 1.8-4.5 m). With probability 0.55 a second
 * road crosses it at 70 to 110 degrees, up to 70% of the map's half side ahead or behind.
 *
 * <p>Objects: 6 to 27 are drawn (car 48%, truck 10%, pedestrian 27%, cyclist 15%) and each is placed at up to 20
 * random spots until it overlaps no earlier footprint (grown by 0.25 m), nor the ego vehicle (4.6 x 1.9 m grown by
 * 1 m); its centre lies within the map grown by 4 m. Cars and trucks drive in a lane (75%: heading along their side's
 * direction of travel, +-0.04 rad Gaussian, lateral jitter +-0.3 m) or are parked at the kerb (either heading);
 * cyclists ride 0.5-1.3 m inside the kerb with traffic; pedestrians walk on a sidewalk or, where two roads meet, on
 * a zebra crossing (30%), with a uniform heading.
 */
final class StreetSampler {
    private static final double[] CLASS_CUMULATIVE = {0.48, 0.58, 0.85, 1.0};
    private static final int ATTEMPTS = 20;

    private final LidarConfig config;
    private final double reach;

    StreetSampler(LidarConfig config) {
        this.config = config;
        this.reach = config.halfExtent() + 4;
    }

    LidarScene sample(SplittableRandom rng) {
        List<Road> roads = roads(rng);
        Ground ground = new Ground(roads, LidarClass.uniform(rng, 0.06, 0.16), LidarClass.uniform(rng, 0.55, 0.85),
                LidarClass.uniform(rng, 0.2, 0.35), LidarClass.uniform(rng, 0.25, 0.45));
        List<Footprint> taken = new ArrayList<>();
        taken.add(new Footprint(0, 0, 4.6, 1.9, roads.get(0).angle()).grown(1));
        List<LabelledObject> objects = new ArrayList<>();
        int wanted = 6 + rng.nextInt(22);
        for (int k = 0; k < wanted; k++) {
            LidarClass cls = drawClass(rng);
            double[] size = cls.sampleSize(rng);
            double reflectivity = cls.sampleReflectivity(rng);
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                Footprint f = place(cls, size, roads, rng);
                if (Math.abs(f.cx()) <= reach && Math.abs(f.cy()) <= reach && free(f.grown(0.25), taken)) {
                    taken.add(f);
                    objects.add(new LabelledObject(cls, f, size[2], reflectivity));
                    break;
                }
            }
        }
        List<Primitive> clutter = config.distractors()
                ? new ClutterSampler(roads, taken, reach).sample(rng) : List.of();
        return new LidarScene(ground, objects, clutter);
    }

    /** Whether {@code f} overlaps none of {@code taken}. */
    static boolean free(Footprint f, List<Footprint> taken) {
        for (Footprint t : taken) {
            if (f.overlaps(t)) {
                return false;
            }
        }
        return true;
    }

    private List<Road> roads(SplittableRandom rng) {
        double angle = LidarClass.uniform(rng, -0.25, 0.25);
        int lanes = rng.nextDouble() < 0.6 ? 1 : 2;
        double laneWidth = LidarClass.uniform(rng, 3.0, 3.7);
        double egoAcross = -(rng.nextInt(lanes) + 0.5) * laneWidth;
        double[] start = new Road(0, 0, angle, lanes, laneWidth, 0).point(0, -egoAcross);
        Road first = new Road(start[0], start[1], angle, lanes, laneWidth, LidarClass.uniform(rng, 1.8, 4.5));
        List<Road> roads = new ArrayList<>(List.of(first));
        boolean second = rng.nextDouble() < 0.55;
        double crossAngle = angle + Math.PI / 2 + LidarClass.uniform(rng, -0.35, 0.35);
        double[] junction = first.point(LidarClass.uniform(rng, -0.7, 0.7) * config.halfExtent(), 0);
        int lanes2 = rng.nextDouble() < 0.6 ? 1 : 2;
        double laneWidth2 = LidarClass.uniform(rng, 3.0, 3.7);
        double sidewalk2 = LidarClass.uniform(rng, 1.8, 4.5);
        if (second) {
            roads.add(new Road(junction[0], junction[1], crossAngle, lanes2, laneWidth2, sidewalk2));
        }
        return roads;
    }

    private static LidarClass drawClass(SplittableRandom rng) {
        double u = rng.nextDouble();
        for (int i = 0; i < CLASS_CUMULATIVE.length; i++) {
            if (u < CLASS_CUMULATIVE[i]) {
                return LidarClass.values()[i];
            }
        }
        return LidarClass.CYCLIST;
    }

    private Footprint place(LidarClass cls, double[] size, List<Road> roads, SplittableRandom rng) {
        Road road = roads.get(rng.nextInt(roads.size()));
        double along = LidarClass.uniform(rng, -1.5, 1.5) * reach;
        double side = rng.nextDouble() < 0.5 ? -1 : 1;
        double length = size[0];
        double width = size[1];
        double hw = road.halfWidth();
        return switch (cls) {
            case CAR, TRUCK -> {
                if (rng.nextDouble() < 0.25) {
                    double heading = road.angle() + (rng.nextDouble() < 0.5 ? 0 : Math.PI) + 0.02 * rng.nextGaussian();
                    yield onRoad(road, along, side * (hw - width / 2 - 0.15), length, width, heading);
                }
                double lane = (rng.nextInt(road.lanes()) + 0.5) * road.laneWidth();
                double across = side * lane + LidarClass.uniform(rng, -0.3, 0.3);
                yield onRoad(road, along, across, length, width, withTraffic(road, side) + 0.04 * rng.nextGaussian());
            }
            case CYCLIST -> onRoad(road, along, side * (hw - LidarClass.uniform(rng, 0.5, 1.3)), length, width,
                    withTraffic(road, side) + 0.08 * rng.nextGaussian());
            case PEDESTRIAN -> pedestrian(road, roads, along, side, size, rng);
        };
    }

    /** The heading of traffic on {@code side} of the road (right, -1: along it; left, +1: against it). */
    private static double withTraffic(Road road, double side) {
        return road.angle() + (side < 0 ? 0 : Math.PI);
    }

    private static Footprint onRoad(Road road, double along, double across, double length, double width,
            double yaw) {
        double[] c = road.point(along, across);
        return new Footprint(c[0], c[1], length, width, yaw);
    }

    private static Footprint pedestrian(Road road, List<Road> roads, double along, double side, double[] size,
            SplittableRandom rng) {
        double yaw = LidarClass.uniform(rng, -Math.PI, Math.PI);
        boolean crossing = roads.size() > 1 && rng.nextDouble() < 0.3;
        double inward = LidarClass.uniform(rng, 0.3, 0.7);
        double offJunction = side * (LidarClass.uniform(rng, 0.8, 3.2));
        double acrossRoad = LidarClass.uniform(rng, -1, 1);
        if (!crossing) {
            return onRoad(road, along, side * (road.halfWidth() + inward * road.sidewalk()), size[0], size[1], yaw);
        }
        Road other = roads.get(roads.indexOf(road) == 0 ? 1 : 0);
        double across = acrossRoad * road.halfWidth();
        double wanted = offJunction + Math.signum(offJunction) * other.halfWidth();
        double[] origin = road.point(0, across);
        double rate = Math.sin(road.angle() - other.angle());
        double at = (wanted - other.across(origin[0], origin[1])) / rate;
        return onRoad(road, at, across, size[0], size[1], yaw);
    }
}
