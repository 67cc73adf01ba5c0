package dev.inlierq.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The worker threads of a benchmark generation ({@code synth}, {@code synth-lidar}): the items of a split run in
 * parallel and their results are taken in index order, so what is assembled from them does not depend on the thread
 * count. Closing cancels what is left and waits for running items, so that no file is written after a failed
 * generation returns.
 */
public final class GenerationPool implements AutoCloseable {
    private final ExecutorService pool;

    /** {@code threads} daemon threads named {@code prefix1, prefix2, ...}. */
    public GenerationPool(int threads, String prefix) {
        AtomicInteger number = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, prefix + number.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The results of {@code item(0) ... item(n - 1)}, run in parallel, in index order; {@code taken} is told each
     * index as its result is taken, in order. A failed item's exception is rethrown as it was thrown.
     */
    public <T> List<T> inOrder(int n, IntFunction<T> item, IntConsumer taken) {
        List<Future<T>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            futures.add(pool.submit(() -> item.apply(index)));
        }
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(await(futures.get(i)));
            taken.accept(i);
        }
        return out;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating images", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
