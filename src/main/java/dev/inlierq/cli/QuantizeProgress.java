package dev.inlierq.cli;

import dev.inlierq.api.Quantization;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;

/**
 * The progress of {@code quantize} on stderr, phase by phase as the library reports them (equalising,
 * calibrating, GPTQ, reconstructing unit k of N, writing, checking, measuring). On a terminal (or with
 * {@code -Dinlierq.progress=always}): a labelled progress bar per phase, one per reconstruction unit with the
 * reconstruction's ETA in its label. Otherwise (logs, pipes, CI): one plain line per phase and per reconstruction
 * unit (every few units when there are more than {@value #MAX_UNIT_LINES}), each with the time since the start,
 * and no control characters.
 */
final class QuantizeProgress implements Quantization.Listener, AutoCloseable {
    /** At most about this many unit lines in plain mode. */
    static final int MAX_UNIT_LINES = 25;

    private final PrintWriter plain;
    private final int images;
    private final int iterations;
    private final LongSupplier clock;
    private final long start;
    private ProgressBar bar;
    private int unitIndex = -1;
    private long reconstructionStart;

    /**
     * @param images     calibration images (the calibration bar's length)
     * @param iterations optimisation steps per reconstruction unit (0 without reconstruction)
     * @param plain      where plain lines go, or null for progress bars
     * @param clock      nanoseconds ({@link System#nanoTime} but in tests)
     */
    QuantizeProgress(int images, int iterations, PrintWriter plain, LongSupplier clock) {
        this.images = images;
        this.iterations = iterations;
        this.plain = plain;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** Bars on a terminal (or when {@code inlierq.progress} is {@code always}), else plain lines on {@code err}. */
    static QuantizeProgress open(int images, int iterations, PrintWriter err) {
        return new QuantizeProgress(images, iterations, Cli.progressBars() ? null : err, System::nanoTime);
    }

    @Override
    public void phase(String name) {
        if (plain != null) {
            line(name);
            return;
        }
        closeBar();
        bar = Cli.progressBar(name, name.equals("calibrating") ? images : -1);
    }

    @Override
    public void calibrated(int done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public void update(int unit, int units, int iteration) {
        if (unit != unitIndex) {
            unitIndex = unit;
            long now = clock.getAsLong();
            if (unit == 0) {
                reconstructionStart = now;
            }
            String label = String.format(Locale.ROOT, "unit %d/%d", unit + 1, units) + eta(now, unit, units);
            if (plain != null) {
                int every = Math.max(1, (units + MAX_UNIT_LINES - 1) / MAX_UNIT_LINES);
                if (unit % every == 0 || unit == units - 1) {
                    line("reconstructing " + label);
                }
            } else {
                closeBar();
                bar = Cli.progressBar(label, iterations);
            }
        }
        if (bar != null) {
            bar.stepTo(iteration);
        }
    }

    /** ", ETA 2m 05s" from the mean time of the units done so far, empty for the first unit. */
    private String eta(long now, int unit, int units) {
        if (unit == 0) {
            return "";
        }
        long seconds = Math.round((now - reconstructionStart) / 1e9 / unit * (units - unit));
        return seconds >= 60 ? String.format(Locale.ROOT, ", ETA %dm %02ds", seconds / 60, seconds % 60)
                : String.format(Locale.ROOT, ", ETA %ds", seconds);
    }

    private void line(String text) {
        plain.printf(Locale.ROOT, "[%7.1f s] %s%n", (clock.getAsLong() - start) / 1e9, text);
        plain.flush();
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() {
        closeBar();
    }
}
