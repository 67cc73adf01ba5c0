package dev.inlierq.lidar;

/**
 * A sphere of centre {@code (cx, cy, cz)} and radius {@code r} (a tree's crown, a bush; a centre below
 * {@code r} sinks it into the ground, which hides the part below it).
 *
 * <p>Intersection: the smallest positive root of {@code |f + t d|^2 = r^2} with {@code f = o - centre}.
 */
final class Sphere extends Primitive {
    private final double cz;

    Sphere(double cx, double cy, double cz, double r, int owner, double reflectivity) {
        super(owner, reflectivity, cx, cy, r);
        this.cz = cz;
    }

    @Override
    double intersect(double ox, double oy, double oz, double dx, double dy, double dz) {
        double fx = ox - centreX();
        double fy = oy - centreY();
        double fz = oz - cz;
        double a = dx * dx + dy * dy + dz * dz;
        double halfB = fx * dx + fy * dy + fz * dz;
        double c = fx * fx + fy * fy + fz * fz - radius() * radius();
        double near = root(a, halfB, c, -1);
        if (near > EPSILON) {
            return near;
        }
        double far = root(a, halfB, c, 1);
        return far > EPSILON ? far : Double.POSITIVE_INFINITY;
    }

    @Override
    double cosIncidence(double px, double py, double pz, double dx, double dy, double dz) {
        return Math.abs((px - centreX()) * dx + (py - centreY()) * dy + (pz - cz) * dz) / radius();
    }
}
