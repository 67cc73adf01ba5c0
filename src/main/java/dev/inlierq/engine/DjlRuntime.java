package dev.inlierq.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * One place that starts DJL's PyTorch engine the way this tool needs it: offline (DJL otherwise calls a
 * cloud metadata address and may try to download natives), with a fixed number of intra-op threads.
 * Every DJL use goes through {@link #engine()}.
 */
public final class DjlRuntime {
    private static volatile Engine engine;

    private DjlRuntime() {
    }

    /** The PyTorch engine, started on first use. */
    public static Engine engine() {
        Engine e = engine;
        if (e == null) {
            synchronized (DjlRuntime.class) {
                e = engine;
                if (e == null) {
                    System.setProperty("ai.djl.offline", "true");
                    System.setProperty("ai.djl.default_engine", "PyTorch");
                    System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
                    int threads = Integer.getInteger("inlierq.threads", Runtime.getRuntime().availableProcessors());
                    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
                    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
                    e = Engine.getEngine("PyTorch");
                    engine = e;
                }
            }
        }
        return e;
    }

    /** Sets libtorch's intra-op thread count (applies to the whole process). */
    public static void setThreads(int threads) {
        engine();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }

    /**
     * A float array in libtorch-owned memory. DJL's {@code create} wraps a Java direct buffer: its address
     * alignment varies from run to run, which changes how vectorised kernels split their sums (so results
     * differ in the last bits between identical runs), and a view of it dies with the Java object. The copy is
     * 64-byte aligned and reference-counted by libtorch. Owned by {@code m}.
     */
    public static ai.djl.ndarray.NDArray create(NDManager m, float[] data, ai.djl.ndarray.types.Shape shape) {
        try (ai.djl.ndarray.NDArray a = m.create(data, shape)) {
            return a.duplicate(); // a libtorch clone (toType to the same type would alias)
        }
    }

    /** As {@link #create(NDManager, float[], ai.djl.ndarray.types.Shape)}, for int64 data. */
    public static ai.djl.ndarray.NDArray create(NDManager m, long[] data, ai.djl.ndarray.types.Shape shape) {
        try (ai.djl.ndarray.NDArray a = m.create(data, shape)) {
            return a.duplicate();
        }
    }

    public static NDManager newManager() {
        return engine().newBaseManager();
    }
}
