package dev.inlierq.lidar;

/**
 * A vertical cylinder with flat caps: axis at {@code (cx, cy)}, radius {@code r}, from height {@code z0} to
 * {@code z1} (a pedestrian, a pole, a tree trunk, a bin).
 *
 * <p>Intersection: the side solves {@code |f_xy + t d_xy|^2 = r^2} ({@code f = o - axis}), a quadratic in
 * {@code t}, keeping a root whose height lies in {@code [z0, z1]}; each cap is the plane {@code z = z0} or
 * {@code z1} hit within radius {@code r}; the smallest positive {@code t} wins.
 */
final class Cylinder extends Primitive {
    private final double z0;
    private final double z1;

    Cylinder(double cx, double cy, double r, double z0, double z1, int owner, double reflectivity) {
        super(owner, reflectivity, cx, cy, r);
        this.z0 = z0;
        this.z1 = z1;
    }

    @Override
    double intersect(double ox, double oy, double oz, double dx, double dy, double dz) {
        double fx = ox - centreX();
        double fy = oy - centreY();
        double best = Double.POSITIVE_INFINITY;
        double a = dx * dx + dy * dy;
        if (a > 0) {
            double halfB = fx * dx + fy * dy;
            double c = fx * fx + fy * fy - radius() * radius();
            best = side(root(a, halfB, c, -1), oz, dz);
            if (best == Double.POSITIVE_INFINITY) {
                best = side(root(a, halfB, c, 1), oz, dz);
            }
        }
        if (dz != 0) {
            best = Math.min(best, cap((z0 - oz) / dz, fx, fy, dx, dy));
            best = Math.min(best, cap((z1 - oz) / dz, fx, fy, dx, dy));
        }
        return best;
    }

    /** {@code t} when it is positive and the side point at {@code t} lies between the caps, else +Infinity. */
    private double side(double t, double oz, double dz) {
        double z = oz + t * dz;
        return t > EPSILON && z >= z0 && z <= z1 ? t : Double.POSITIVE_INFINITY;
    }

    /** {@code t} when it is positive and the cap-plane point at {@code t} lies within the radius. */
    private double cap(double t, double fx, double fy, double dx, double dy) {
        double x = fx + t * dx;
        double y = fy + t * dy;
        return t > EPSILON && x * x + y * y <= radius() * radius() ? t : Double.POSITIVE_INFINITY;
    }

    /** A cap when the hit point is nearer to a cap plane than to the side, else the side's radial normal. */
    @Override
    double cosIncidence(double px, double py, double pz, double dx, double dy, double dz) {
        double rx = px - centreX();
        double ry = py - centreY();
        double radial = Math.hypot(rx, ry);
        double toCap = Math.min(Math.abs(pz - z0), Math.abs(pz - z1));
        if (toCap < Math.abs(radial - radius()) || radial == 0) {
            return Math.abs(dz);
        }
        return Math.abs(rx * dx + ry * dy) / radial;
    }
}
