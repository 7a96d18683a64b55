/**
 * BinaryLLM runner: evaluation runs from configs into run directories (metrics, reports with charts), the built-in
 * datasets and the golden set. Exports the API (docs/api.md); {@code io.binaryllm.runner.internal} stays inside.
 */
module io.binaryllm.runner {
    requires transitive io.binaryllm.core;
    requires transitive io.binaryllm.langchain4j;
    requires transitive com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.knowm.xchart;
    requires me.tongfei.progressbar;
    requires java.logging;

    exports io.binaryllm.runner;

    opens io.binaryllm.runner to com.fasterxml.jackson.databind;
}
