package dev.inlierq.graph;

/** Read access to what is statically known about values: shapes and constant contents. */
public interface ValueLookup {
    /** The static shape of a value, or null if unknown. */
    long[] shape(String value);

    /** The constant behind a value, or null if it is not constant. */
    ConstTensor constant(String value);

    /** Default-domain opset of the model. */
    int opset();
}
