package io.binaryllm.run;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar over a run's stages, drawn on the terminal only: when stderr is not a terminal (CI, pipes,
 * tests) it draws nothing, so logs and the one-line error contract stay clean.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    Progress(String task, long stages) {
        this.bar = System.console() == null ? null : new ProgressBarBuilder().setTaskName(task).setInitialMax(stages)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate().build();
    }

    void step(String stage) {
        if (bar != null) {
            bar.setExtraMessage(stage);
            bar.step();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
