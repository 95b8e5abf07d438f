package dev.lethe.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Reports a long phase (an epoch, an evaluation) step by step. {@link #forConsole} picks a
 * redrawn bar on an interactive terminal and one plain line every N steps otherwise (logs, CI).
 * Each report names the phase, the step, the mean loss (since the previous line; for the bar,
 * since the phase began), images per second and the estimated time left.
 */
public abstract class Progress {

    /** Starts a phase of {@code steps} steps called {@code label} (e.g. {@code epoch 2/5}). */
    public abstract void begin(String label, int steps);

    /** One step done on {@code images} images with loss {@code loss}. */
    public abstract void advance(int images, double loss);

    /** Ends the phase with a one-line summary. */
    public abstract void end(String summary);

    /** Nothing is reported. */
    public static Progress none() {
        return new Progress() {
            @Override
            public void begin(String label, int steps) {
            }

            @Override
            public void advance(int images, double loss) {
            }

            @Override
            public void end(String summary) {
            }
        };
    }

    /**
     * A bar on {@code out} when the JVM has an interactive console ({@code System.console() != null}),
     * else a line every {@code everySteps} steps.
     */
    public static Progress forConsole(PrintStream out, int everySteps) {
        return System.console() != null ? bar(out) : lines(out, everySteps);
    }

    /** One line every {@code everySteps} steps and at the last one, then the summary. */
    public static Progress lines(PrintStream out, int everySteps) {
        if (everySteps <= 0) {
            throw new IllegalArgumentException("progress interval must be > 0 steps, got " + everySteps);
        }
        return new Meter() {
            @Override
            void report(boolean last) {
                if (done % everySteps == 0 || last) {
                    out.println(label + "  " + status(true));
                    out.flush();
                    resetWindow();
                }
            }

            @Override
            void finish(String summary) {
                out.println(label + "  " + summary);
                out.flush();
            }
        };
    }

    /** A bar redrawn in place (carriage return) at most ten times a second, then the summary on its line. */
    public static Progress bar(PrintStream out) {
        return new Meter() {
            private static final int WIDTH = 30;
            private long lastDraw;

            @Override
            void report(boolean last) {
                long now = System.nanoTime();
                if (!last && now - lastDraw < 100_000_000L) {
                    return;
                }
                lastDraw = now;
                int filled = steps == 0 ? WIDTH : (int) ((long) WIDTH * done / steps);
                String bar = "=".repeat(filled) + (filled < WIDTH ? ">" + " ".repeat(WIDTH - filled - 1) : "");
                out.print("\r" + label + " [" + bar + "] " + status(false) + "   ");
                out.flush();
            }

            @Override
            void finish(String summary) {
                out.print("\r" + label + "  " + summary + " ".repeat(40) + "\n");
                out.flush();
            }
        };
    }

    /** Counting shared by the bar and the lines. */
    private abstract static class Meter extends Progress {
        String label;
        int steps;
        int done;
        private long images;
        private long start;
        private double windowLoss;
        private int windowSteps;

        @Override
        public void begin(String label, int steps) {
            this.label = label;
            this.steps = steps;
            this.done = 0;
            this.images = 0;
            this.start = System.nanoTime();
            resetWindow();
        }

        @Override
        public void advance(int images, double loss) {
            done++;
            this.images += images;
            windowLoss += loss;
            windowSteps++;
            report(done == steps);
        }

        @Override
        public void end(String summary) {
            finish(summary);
        }

        void resetWindow() {
            windowLoss = 0;
            windowSteps = 0;
        }

        abstract void report(boolean last);

        abstract void finish(String summary);

        /** {@code step 120/469  loss 0.4123  2,345 img/s  ETA 0:16}. */
        String status(boolean withStep) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            double rate = elapsed > 0 ? images / elapsed : 0;
            double eta = done > 0 ? elapsed / done * (steps - done) : 0;
            return String.format(Locale.ROOT, "%s%d/%d  loss %.4f  %,.0f img/s  ETA %s", withStep ? "step " : "",
                    done, steps, windowSteps > 0 ? windowLoss / windowSteps : Double.NaN, rate, clock(eta));
        }
    }

    /** Seconds as {@code m:ss} or {@code h:mm:ss}. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
