package dev.inlierq.recon;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the time of reconstruction steps goes, phase by phase (libtorch's CPU ops are synchronous, so wall
 * time between phase boundaries is the phase's cost). Filled by {@link UnitOptimiser} when one is attached;
 * read by the step-time tool (issue 12, "cheaper steps").
 */
final class StepProfile {
    /** The phases of one step, in order. */
    enum Phase {
        /** gathering (or cropping) the batch's unit inputs and float targets, QDrop's input mixing */
        DATA,
        /** the soft-rounded weights W(h(V)) */
        WEIGHTS,
        /** the unit's forward pass with fake quantization, and the rounding regulariser */
        FORWARD,
        /** the reconstruction loss, with the gather (or crop) of its per-element weights */
        LOSS,
        /** autograd's backward pass, and freeing the step's arrays */
        BACKWARD,
        /** the Adam updates of rounding variables and step sizes */
        OPTIMIZER
    }

    private final long[] nanos = new long[Phase.values().length];
    private int steps;
    private long last;

    /** Marks the start of a step. */
    void start() {
        last = System.nanoTime();
    }

    /** Charges the time since the previous mark to {@code p}. */
    void lap(Phase p) {
        long now = System.nanoTime();
        nanos[p.ordinal()] += now - last;
        last = now;
    }

    /** Counts one finished step. */
    void stepDone() {
        steps++;
    }

    int steps() {
        return steps;
    }

    /** Mean milliseconds per step of a phase. */
    double ms(Phase p) {
        return steps == 0 ? 0 : nanos[p.ordinal()] / 1e6 / steps;
    }

    /** Mean milliseconds per step, all phases. */
    double totalMs() {
        double t = 0;
        for (Phase p : Phase.values()) {
            t += ms(p);
        }
        return t;
    }

    /** Mean milliseconds per step by phase name (lower case), in phase order. */
    Map<String, Double> breakdown() {
        Map<String, Double> m = new LinkedHashMap<>();
        for (Phase p : Phase.values()) {
            m.put(p.name().toLowerCase(java.util.Locale.ROOT), ms(p));
        }
        return m;
    }

    /** Forgets everything measured (after warm-up). */
    void reset() {
        java.util.Arrays.fill(nanos, 0);
        steps = 0;
    }
}
