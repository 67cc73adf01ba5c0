package dev.inlierq.lidar;

/**
 * A box standing on its base: centre {@code (cx, cy)}, half length {@code hl} along its heading {@code yaw}
 * (radians, counter-clockwise from +x), half width {@code hw}, from height {@code z0} to {@code z1}.
 *
 * <p>Intersection is the slab method (T. L. Kay, J. T. Kajiya, "Ray tracing complex scenes", SIGGRAPH 1986) in the
 * box's frame: the ray is rotated by {@code -yaw} about z around the centre, then clipped against the three pairs
 * of planes; it hits when the latest entry comes before the earliest exit.
 */
final class OrientedBox extends Primitive {
    private final double cx;
    private final double cy;
    private final double hl;
    private final double hw;
    private final double z0;
    private final double z1;
    private final double cos;
    private final double sin;

    OrientedBox(Footprint f, double z0, double z1, int owner, double reflectivity) {
        super(owner, reflectivity, f.cx(), f.cy(), Math.hypot(f.length(), f.width()) / 2);
        this.cx = f.cx();
        this.cy = f.cy();
        this.hl = f.length() / 2;
        this.hw = f.width() / 2;
        this.z0 = z0;
        this.z1 = z1;
        this.cos = Math.cos(f.yaw());
        this.sin = Math.sin(f.yaw());
    }

    @Override
    double intersect(double ox, double oy, double oz, double dx, double dy, double dz) {
        double lx = along(ox - cx, oy - cy);
        double ly = across(ox - cx, oy - cy);
        double ldx = along(dx, dy);
        double ldy = across(dx, dy);
        double near = Math.max(enter(lx, ldx, -hl, hl), Math.max(enter(ly, ldy, -hw, hw), enter(oz, dz, z0, z1)));
        double far = Math.min(exit(lx, ldx, -hl, hl), Math.min(exit(ly, ldy, -hw, hw), exit(oz, dz, z0, z1)));
        if (near > far) {
            return Double.POSITIVE_INFINITY;
        }
        if (near > EPSILON) {
            return near;
        }
        return far > EPSILON ? far : Double.POSITIVE_INFINITY;
    }

    /** Where {@code o + t d} enters the slab {@code [lo, hi]}: -Infinity when parallel inside, +Infinity outside. */
    private static double enter(double o, double d, double lo, double hi) {
        if (d == 0) {
            return o >= lo && o <= hi ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Math.min((lo - o) / d, (hi - o) / d);
    }

    /** Where {@code o + t d} leaves the slab {@code [lo, hi]}: +Infinity when parallel inside, -Infinity outside. */
    private static double exit(double o, double d, double lo, double hi) {
        if (d == 0) {
            return o >= lo && o <= hi ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }
        return Math.max((lo - o) / d, (hi - o) / d);
    }

    /** The face nearest to the hit point (in units of the box's half sizes) is the one hit. */
    @Override
    double cosIncidence(double px, double py, double pz, double dx, double dy, double dz) {
        double ex = Math.abs(Math.abs(along(px - cx, py - cy)) - hl);
        double ey = Math.abs(Math.abs(across(px - cx, py - cy)) - hw);
        double ez = Math.min(Math.abs(pz - z0), Math.abs(pz - z1));
        if (ez <= ex && ez <= ey) {
            return Math.abs(dz);
        }
        return Math.abs(ex <= ey ? along(dx, dy) : across(dx, dy));
    }

    /** The component of the vector {@code (x, y)} along the box's heading. */
    private double along(double x, double y) {
        return x * cos + y * sin;
    }

    /** The component of the vector {@code (x, y)} across the box's heading (to its left). */
    private double across(double x, double y) {
        return -x * sin + y * cos;
    }
}
