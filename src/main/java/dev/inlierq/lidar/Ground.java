package dev.inlierq.lidar;

import java.util.List;

/**
 * The flat ground {@code z = 0} and what covers it: roads ({@link Road}: asphalt, with lane markings), their
 * sidewalks, and terrain elsewhere, each with a reflectivity drawn per scene (markings the brightest).
 *
 * <p>Markings on a road: a centre line (dashed, 3 m in 9, with one lane each way; solid and double with two),
 * dashed lane lines between lanes, solid edge lines 0.2 to 0.35 m inside the kerb, all 0.15 m wide, and
 * zebra crossings (0.5 m bars along the road) on a road 0.5 to 3.5 m before it meets another. The area two roads
 * share (the junction) is plain asphalt.
 */
record Ground(List<Road> roads, double asphalt, double marking, double sidewalk, double terrain) {
    private static final double LINE = 0.15;
    private static final double DASH = 3;
    private static final double DASH_PERIOD = 9;

    Ground {
        roads = List.copyOf(roads);
    }

    /** The reflectivity of the ground at {@code (x, y)}. */
    double reflectivity(double x, double y) {
        for (int i = 0; i < roads.size(); i++) {
            Road r = roads.get(i);
            double across = r.across(x, y);
            if (Math.abs(across) <= r.halfWidth()) {
                return onRoad(i, r.along(x, y), across, x, y);
            }
        }
        for (Road r : roads) {
            if (Math.abs(r.across(x, y)) <= r.halfWidth() + r.sidewalk()) {
                return sidewalk;
            }
        }
        return terrain;
    }

    private double onRoad(int index, double along, double across, double x, double y) {
        Road road = roads.get(index);
        for (int j = 0; j < roads.size(); j++) {
            if (j == index) {
                continue;
            }
            double off = Math.abs(roads.get(j).across(x, y)) - roads.get(j).halfWidth();
            if (off <= 0) {
                return asphalt;
            }
            if (off <= 3.5) {
                boolean bar = off >= 0.5 && Math.floorMod((long) Math.floor((across + road.halfWidth()) / 0.5), 2) == 0;
                return bar ? marking : asphalt;
            }
        }
        return isMarking(road, along, Math.abs(across)) ? marking : asphalt;
    }

    private static boolean isMarking(Road road, double along, double side) {
        boolean dashOn = Math.floorMod((long) Math.floor(along), (long) DASH_PERIOD) < DASH;
        double edge = road.halfWidth() - 0.2;
        if (side <= edge && side >= edge - LINE) {
            return true;
        }
        if (road.lanes() == 1) {
            return side <= LINE / 2 && dashOn;
        }
        if (side >= 0.05 && side <= 0.05 + LINE) {
            return true;
        }
        return dashOn && Math.abs(side - road.laneWidth()) <= LINE / 2;
    }
}
