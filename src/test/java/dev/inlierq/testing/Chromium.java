package dev.inlierq.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Headless Chromium (Debian's {@code chromium} package) for tests that render an HTML file as a browser does:
 * {@link #require()} skips the calling test with a reason when it is not installed, except under {@code CI=true},
 * where {@code .ci/run} installs it and a missing browser fails the test. Each call runs with its own profile and
 * temporary folder inside the test's folder, so nothing is left elsewhere.
 */
public final class Chromium {
    /** Where Debian installs it. */
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final long TIMEOUT_SECONDS = 60;

    private final Path work;

    private Chromium(Path work) {
        this.work = work;
    }

    /** The browser, working in {@code work} (a test's temporary folder); skips or fails when it is missing. */
    public static Chromium require(Path work) {
        boolean present = Files.isExecutable(BINARY);
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("CI: " + BINARY + " not found (.ci/run installs Debian's chromium package)");
        }
        assumeTrue(present, "skipped: " + BINARY + " not found (apt-get install chromium)");
        return new Chromium(work);
    }

    /** A screenshot of {@code html} in a {@code width x height} window. */
    public BufferedImage screenshot(Path html, int width, int height) throws Exception {
        Path png = work.resolve("chromium-shot.png");
        run("--screenshot=" + png, "--window-size=" + width + "," + height, html.toUri().toString());
        BufferedImage img = ImageIO.read(png.toFile());
        if (img == null) {
            fail("chromium wrote no readable screenshot");
        }
        return img;
    }

    /** The DOM of {@code html} after loading, as chromium serialises it. */
    public String dumpDom(Path html) throws Exception {
        return run("--dump-dom", html.toUri().toString());
    }

    /** Variance of the luminance (0..255) of an image's pixels: 0 for a blank page. */
    public static double luminanceVariance(BufferedImage img) {
        double sum = 0;
        double sq = 0;
        long n = (long) img.getWidth() * img.getHeight();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                double l = 0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255);
                sum += l;
                sq += l * l;
            }
        }
        double mean = sum / n;
        return sq / n - mean * mean;
    }

    private String run(String... args) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(work.resolve("chromium-profile"));
        Path tmp = Files.createDirectories(work.resolve("chromium-tmp"));
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + profile, "--no-first-run", "--disable-extensions"));
        cmd.addAll(List.of(args));
        Path out = work.resolve("chromium-out.txt");
        Path err = work.resolve("chromium-err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("TMPDIR", tmp.toString());
        pb.environment().put("HOME", work.toString());
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + String.join(" ", cmd));
        }
        if (p.exitValue() != 0) {
            fail("chromium exited with " + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8));
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
