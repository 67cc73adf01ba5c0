package dev.inlierq.lidar;

/**
 * A solid the rays can hit: an {@link OrientedBox}, a vertical {@link Cylinder} or a {@link Sphere}, with the
 * reflectivity of its surface and its owner (the index of the labelled object it belongs to, or {@link #CLUTTER}).
 * The ground plane is not a primitive (see {@link Ground}).
 *
 * <p>{@link #intersect} returns the ray parameter {@code t} of the first crossing of the surface by the ray
 * {@code o + t d} with {@code t > EPSILON}, or {@code +Infinity} for a miss; with a unit direction {@code t} is the
 * range. The footprint's bounding circle ({@link #centreX()}, {@link #centreY()}, {@link #radius()}) lets the
 * {@link RayCaster} bin primitives by azimuth.
 */
abstract class Primitive {
    /** The owner of clutter and of the ground: no labelled object. */
    static final int CLUTTER = -1;
    /** Hits closer than this (metres) are ignored, so a ray leaving a surface does not hit it again. */
    static final double EPSILON = 1e-9;

    private final int owner;
    private final double reflectivity;
    private final double centreX;
    private final double centreY;
    private final double radius;

    /** {@code (centreX, centreY, radius)}: a circle holding the footprint. */
    Primitive(int owner, double reflectivity, double centreX, double centreY, double radius) {
        this.owner = owner;
        this.reflectivity = reflectivity;
        this.centreX = centreX;
        this.centreY = centreY;
        this.radius = radius;
    }

    final int owner() {
        return owner;
    }

    final double reflectivity() {
        return reflectivity;
    }

    /** The first {@code t > EPSILON} where {@code o + t d} enters or crosses the surface; +Infinity when none. */
    abstract double intersect(double ox, double oy, double oz, double dx, double dy, double dz);

    /** {@code |cos|} of the angle between the unit direction {@code d} and the surface normal at hit point p. */
    abstract double cosIncidence(double px, double py, double pz, double dx, double dy, double dz);

    /**
     * A root of {@code a t^2 + 2 halfB t + c = 0} ({@code a > 0}): the smaller for {@code sign = -1}, the larger
     * for {@code +1}; NaN when there is none (NaN fails every comparison, so it counts as a miss).
     */
    static double root(double a, double halfB, double c, int sign) {
        double disc = halfB * halfB - a * c;
        return disc < 0 ? Double.NaN : (-halfB + sign * Math.sqrt(disc)) / a;
    }

    /** The centre of a circle holding the footprint, x. */
    final double centreX() {
        return centreX;
    }

    /** The centre of a circle holding the footprint, y. */
    final double centreY() {
        return centreY;
    }

    /** The radius of a circle holding the footprint. */
    final double radius() {
        return radius;
    }
}
