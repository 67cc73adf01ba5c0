package dev.inlierq.recon;

/** How the learning rates of activation step sizes and zero points change over a unit's steps. */
public enum Decay {
    /** The same rate at every step. */
    CONSTANT,
    /** Cosine annealing to 0 over the unit's steps (BRECQ's and QDrop's schedule for step sizes). */
    COSINE;

    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
