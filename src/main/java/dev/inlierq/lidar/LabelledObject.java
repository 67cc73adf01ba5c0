package dev.inlierq.lidar;

import java.util.List;

/**
 * A labelled object of a scene: its class, its footprint on the ground, its height in metres and the
 * reflectivity of its surface. Its solids ({@link #primitives}) stay inside the footprint and below the height:
 * <ul>
 *   <li>car: a body box to 60% of the height, and a cabin box above it (half the length, 88% of the width,
 *       set 8% of the length back, reflectivity x 0.6 for the glass);</li>
 *   <li>truck: a cab (2 m long, 85% of the height) at the front, a 0.3 m gap, and a cargo box of full height;</li>
 *   <li>pedestrian: a vertical cylinder whose diameter is the footprint's length;</li>
 *   <li>cyclist: the bicycle (full length, 0.2 m wide, 0.95 m high) and the rider (half the length, full width,
 *       from 0.55 m to the full height).</li>
 * </ul>
 */
record LabelledObject(LidarClass cls, Footprint footprint, double height, double reflectivity) {

    /** The solids of this object, owned by {@code owner}. */
    List<Primitive> primitives(int owner) {
        Footprint f = footprint;
        double l = f.length();
        double w = f.width();
        double h = height;
        double q = reflectivity;
        return switch (cls) {
            case CAR -> List.of(new OrientedBox(f, 0, 0.6 * h, owner, q),
                    new OrientedBox(part(-0.08 * l, 0.5 * l, 0.88 * w), 0.6 * h, h, owner, 0.6 * q));
            case TRUCK -> List.of(new OrientedBox(part(l / 2 - 1, 2, w), 0, 0.85 * h, owner, q),
                    new OrientedBox(part(-1.15, l - 2.3, w), 0, h, owner, q));
            case PEDESTRIAN -> List.of(new Cylinder(f.cx(), f.cy(), l / 2, 0, h, owner, q));
            case CYCLIST -> List.of(new OrientedBox(part(0, l, 0.2), 0, 0.95, owner, 0.9 * q),
                    new OrientedBox(part(-0.05 * l, 0.5 * l, w), 0.55, h, owner, q));
        };
    }

    /** A part of the footprint: centred {@code along} metres ahead, {@code length} by {@code width}. */
    private Footprint part(double along, double length, double width) {
        double[] c = footprint.local(along, 0);
        return new Footprint(c[0], c[1], length, width, footprint.yaw());
    }
}
