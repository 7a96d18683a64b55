package io.binaryllm.search;

import io.binaryllm.testing.SearchBackendContract;

import java.util.List;

/** The backends of core (reference, cpu, native) through the shared contract. */
class CoreBackendsContractTest extends SearchBackendContract {
    @Override
    protected List<String> backendNames() {
        return List.of("reference", "cpu", "native");
    }
}
