package dev.inlierq.quant;

/** Argument checks that say what was expected and what was given. */
final class Checks {
    private Checks() {
    }

    /** Throws {@code IllegalArgumentException("what: expected EXPECTED, got GOT")} unless {@code ok}. */
    static void check(boolean ok, String what, String expected, Object got) {
        if (!ok) {
            throw new IllegalArgumentException(what + ": expected " + expected + ", got " + got);
        }
    }

    static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + ": expected a value, got null");
        }
        return value;
    }
}
