package io.binaryllm.runner;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar over a run's stages (or an embedding's texts), drawn on the terminal only: when stderr is not a terminal (CI, pipes,
 * tests) it draws nothing, so logs and the one-line error contract stay clean.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    public Progress(String task, long stages) {
        this.bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName(task).setInitialMax(stages)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate().build();
    }

    public void step(String stage) {
        if (bar != null) {
            bar.setExtraMessage(stage);
            bar.step();
        }
    }

    /** Advances by {@code n} units (texts, rows) at once. */
    public void stepBy(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
