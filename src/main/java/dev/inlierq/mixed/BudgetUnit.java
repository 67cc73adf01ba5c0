package dev.inlierq.mixed;

import java.util.Locale;

/**
 * What a mixed-precision budget ({@link MixedRequest#fraction()}) counts. With 4-bit candidates a promoted parameter
 * stores twice a 4-bit one's bytes, so the two differ: 15% of the parameters is 26% of the stored bytes, and 15% of
 * the stored bytes is 8.1% of the parameters (a parameter share {@code p} stores {@code 2p / (1 + p)} of the bytes).
 */
public enum BudgetUnit {
    /** The promoted weights' parameters (their bytes at 8 bit) against all candidates' parameters. */
    PARAMETERS,
    /**
     * The promoted weights' stored bytes (at 8 bit) against all candidates' stored bytes, each candidate at the bits
     * it is given: the size share of the written weights.
     */
    BYTES;

    /** The command-line spelling. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
