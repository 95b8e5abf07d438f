package dev.lethe.optim;

/** Checks shared by the schedules. */
final class Schedules {
    private Schedules() {
    }

    static void checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("a learning-rate schedule starts at step 0, got " + step);
        }
    }
}
